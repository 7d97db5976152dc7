package io.vsync.spring.boot.autoconfigure.actuate;

import io.vsync.spring.annotation.GroupHandler;

/** A handler that always fails on {@link String}-carrying {@link Ping}s. */
public class FailingHandler {

    public record Ping(String text) {
    }

    @GroupHandler(group = "accounts")
    public void on(Ping ping) {
        throw new IllegalStateException("cannot handle " + ping.text());
    }

}
