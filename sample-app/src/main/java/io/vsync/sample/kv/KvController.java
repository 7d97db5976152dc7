package io.vsync.sample.kv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP API of the replicated map.
 *
 * <pre>
 * PUT    /kv/{key}                      body: the value (text)   200 once delivered here
 * DELETE /kv/{key}                                               200 once delivered here; 404 if absent
 * GET    /kv/{key}                      this replica's value     200 text/plain; 404 if absent
 * GET    /kv/{key}?consistency=quorum   a majority query         200 / 404 with the replies (JSON)
 * GET    /kv                            the whole map (JSON)
 * </pre>
 *
 * Keys are 1 to {@code kv.max-key-length} characters, not blank, without control characters
 * (and, being one path segment, without {@code /}). Values are UTF-8 text of at most
 * {@code kv.max-value-size} bytes; the empty value is allowed.
 */
@RestController
@RequestMapping("/kv")
class KvController {

    /** Header carrying the entry's version: the position in the group's order of its last write. */
    static final String VERSION_HEADER = "Kv-Version";

    /**
     * The answer to a PUT or DELETE. View ids are strings throughout this API: they are 64-bit,
     * and JavaScript numbers are exact only up to 2^53.
     *
     * @param version the update's position in the group's order (also in the {@value #VERSION_HEADER} header)
     * @param created for a PUT, whether the key was new
     * @param deleted for a DELETE, true (a DELETE of an absent key is a 404)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record WriteResponse(String key, long version, Boolean created, Boolean deleted, String viewId) {
    }

    private static final MediaType TEXT_UTF8 = new MediaType("text", "plain", StandardCharsets.UTF_8);

    private final KvReplica replica;

    private final KvProperties properties;

    KvController(KvReplica replica, KvProperties properties) {
        this.replica = replica;
        this.properties = properties;
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    SortedMap<String, String> all() {
        return this.replica.store().values();
    }

    @GetMapping("/{key}")
    ResponseEntity<?> get(@PathVariable String key, @RequestParam(defaultValue = "local") String consistency) {
        checkKey(key);
        switch (consistency.toLowerCase(Locale.ROOT)) {
            case "local" -> {
                KvStore.Entry entry = this.replica.store().get(key);
                if (entry == null) {
                    throw notFound(key, "no key '" + key + "' at this replica");
                }
                return ResponseEntity.ok()
                    .contentType(TEXT_UTF8)
                    .header(VERSION_HEADER, Long.toString(entry.version()))
                    .body(entry.value());
            }
            case "quorum" -> {
                KvReplica.QuorumRead read = this.replica.quorumRead(key);
                if (!read.complete()) {
                    throw new KvException(503, "No majority",
                            "the quorum read got no majority of replies in time: " + read.agreement(),
                            Map.of("read", read));
                }
                return ResponseEntity.status(read.present() ? 200 : 404)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(read);
            }
            default -> throw new KvException(400, "Bad consistency",
                    "consistency must be 'local' (default) or 'quorum', not '" + consistency + "'");
        }
    }

    @PutMapping("/{key}")
    ResponseEntity<WriteResponse> put(@PathVariable String key, HttpServletRequest request) throws IOException {
        checkKey(key);
        String value = readValue(request);
        KvReplica.WriteResult result = this.replica.put(key, value);
        KvStore.Outcome outcome = result.outcome();
        return ResponseEntity.ok()
            .header(VERSION_HEADER, Long.toString(outcome.version()))
            .body(new WriteResponse(key, outcome.version(), !outcome.existed(), null, Long.toString(result.viewId())));
    }

    @DeleteMapping("/{key}")
    ResponseEntity<WriteResponse> delete(@PathVariable String key) {
        checkKey(key);
        KvReplica.WriteResult result = this.replica.delete(key);
        KvStore.Outcome outcome = result.outcome();
        if (!outcome.existed()) {
            throw notFound(key, "no key '" + key + "' to delete (at position " + outcome.version()
                    + " of the group's order)");
        }
        return ResponseEntity.ok()
            .header(VERSION_HEADER, Long.toString(outcome.version()))
            .body(new WriteResponse(key, outcome.version(), null, true, Long.toString(result.viewId())));
    }

    /** {@code /kv/}: a key of zero characters, whatever the method. */
    @RequestMapping("/")
    ResponseEntity<Void> emptyKey() {
        throw new KvException(400, "Bad key", "the key is empty: use /kv/{key}, or GET /kv for the whole map");
    }

    private void checkKey(String key) {
        if (key.isBlank()) {
            throw new KvException(400, "Bad key", "the key must not be blank");
        }
        if (key.length() > this.properties.maxKeyLength()) {
            throw new KvException(400, "Bad key", "the key is " + key.length() + " characters long; at most "
                    + this.properties.maxKeyLength() + " are allowed (kv.max-key-length)");
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            throw new KvException(400, "Bad key", "the key must not contain control characters");
        }
    }

    private String readValue(HttpServletRequest request) throws IOException {
        long limit = this.properties.maxValueSize().toBytes();
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(declared + " bytes", limit);
        }
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes((int) limit + 1);
        }
        if (bytes.length > limit) {
            throw tooLarge("more than " + limit + " bytes", limit);
        }
        Charset charset = StandardCharsets.UTF_8;
        String contentType = request.getContentType();
        if (contentType != null) {
            try {
                Charset declaredCharset = MediaType.parseMediaType(contentType).getCharset();
                if (declaredCharset != null) {
                    charset = declaredCharset;
                }
            }
            catch (RuntimeException ex) {
                throw new KvException(400, "Bad content type", "cannot parse Content-Type '" + contentType + "'");
            }
        }
        try {
            return charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
        }
        catch (CharacterCodingException ex) {
            throw new KvException(400, "Bad value", "the value is not valid " + charset.name() + " text");
        }
    }

    private KvException tooLarge(String size, long limit) {
        return new KvException(413, "Value too large", "the value is " + size + "; at most " + limit
                + " bytes are allowed (kv.max-value-size)", Map.of("limit", limit));
    }

    private static KvException notFound(String key, String detail) {
        return new KvException(404, "No such key", detail, Map.of("key", key));
    }
}
