package io.vsync.sample.kv;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every refusal as an RFC 9457 problem ({@code application/problem+json}): the service's own
 * ({@link KvException}) and Spring MVC's (405 wrong method with {@code Allow}, 404, 406, 400…).
 */
@RestControllerAdvice
class KvErrors extends ResponseEntityExceptionHandler {

    @ExceptionHandler(KvException.class)
    ResponseEntity<ProblemDetail> refused(KvException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(ex.status()), ex.getMessage());
        problem.setTitle(ex.title());
        ex.properties().forEach(problem::setProperty);
        HttpHeaders headers = new HttpHeaders();
        if (ex.status() == 503) {
            headers.set(HttpHeaders.RETRY_AFTER, "1");
        }
        return ResponseEntity.status(ex.status()).headers(headers).body(problem);
    }
}
