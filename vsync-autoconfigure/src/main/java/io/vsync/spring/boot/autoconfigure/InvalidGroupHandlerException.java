package io.vsync.spring.boot.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.BeanInitializationException;

/**
 * Annotated Vsync methods ({@code @GroupHandler}, {@code @OnViewChange}, {@code @StateProvider},
 * {@code @StateLoader}) are used wrongly: unknown group, bad signature, two handlers of one
 * payload type in one group, and so on. Reported when the application starts.
 */
public class InvalidGroupHandlerException extends BeanInitializationException {

    private final List<String> problems;

    public InvalidGroupHandlerException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** What is wrong, one line per problem. */
    public List<String> getProblems() {
        return this.problems;
    }

    private static String message(List<String> problems) {
        StringBuilder message = new StringBuilder("Invalid Vsync annotated methods:");
        for (String problem : problems) {
            message.append(System.lineSeparator()).append(" - ").append(problem);
        }
        return message.toString();
    }

}
