package io.vsync.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Lists the misused Vsync annotated methods and the rules they break. */
class InvalidGroupHandlerFailureAnalyzer extends AbstractFailureAnalyzer<InvalidGroupHandlerException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidGroupHandlerException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Fix the methods above. Each group must be configured under vsync.groups; a group has one"
                        + " @GroupHandler per payload type, taking (Payload) or (Payload, DeliveryInfo) with a"
                        + " record or class payload; @OnViewChange takes (View); @StateProvider takes nothing and"
                        + " returns the state, @StateLoader takes it, and a group has both or neither.",
                cause);
    }

}
