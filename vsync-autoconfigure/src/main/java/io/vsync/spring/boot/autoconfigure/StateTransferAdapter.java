package io.vsync.spring.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.jspecify.annotations.Nullable;

import io.vsync.api.Group;
import io.vsync.api.StateTransfer;

/**
 * Hands a group's {@code @StateProvider} and {@code @StateLoader} methods to the engine's state
 * transfer. Streaming methods ({@code void write(OutputStream)}, {@code void read(InputStream)})
 * become a {@link StateTransfer}; object methods ({@code S snapshot()}, {@code void restore(S)})
 * use {@link Group#stateTransfer(Class, java.util.function.Supplier, java.util.function.Consumer)},
 * which encodes the object with the payload codec. Failures are counted and logged by the
 * group's dispatcher, then passed on to the engine, which retries the transfer.
 */
final class StateTransferAdapter {

    private StateTransferAdapter() {
    }

    @SuppressWarnings("unchecked")
    static void register(Group group, HandlerMethod provider, HandlerMethod loader,
            @Nullable GroupDispatcher dispatcher) {
        if (provider.streaming) {
            group.stateTransfer(new Streaming(provider, loader, dispatcher));
        }
        else {
            Class<Object> type = (Class<Object>) loader.type;
            group.stateTransfer(type, () -> snapshot(provider, dispatcher), state -> restore(loader, state, dispatcher));
        }
    }

    private static Object snapshot(HandlerMethod provider, @Nullable GroupDispatcher dispatcher) {
        Object state;
        try {
            state = provider.invoke();
        }
        catch (Throwable ex) {
            throw failed(provider, "while writing the state for a joiner", ex, false, dispatcher);
        }
        if (state == null) {
            throw failed(provider, "while writing the state for a joiner",
                    new IllegalStateException("@StateProvider " + provider.describe()
                            + " returned null; return the (possibly empty) state"),
                    false, dispatcher);
        }
        return state;
    }

    private static void restore(HandlerMethod loader, Object state, @Nullable GroupDispatcher dispatcher) {
        try {
            loader.invoke(state);
        }
        catch (Throwable ex) {
            throw failed(loader, "while loading the state", ex, true, dispatcher);
        }
    }

    private static RuntimeException failed(HandlerMethod method, String what, Throwable ex, boolean countedByEngine,
            @Nullable GroupDispatcher dispatcher) {
        if (ex instanceof VirtualMachineError error) {
            throw error;
        }
        if (dispatcher != null) {
            dispatcher.stateTransferFailed(method, what, ex, countedByEngine);
        }
        return (ex instanceof RuntimeException runtime) ? runtime
                : new IllegalStateException(method.kind.annotation + " " + method.describe() + " failed: " + ex, ex);
    }

    /** The streaming methods as the engine's {@link StateTransfer}. */
    private record Streaming(HandlerMethod provider, HandlerMethod loader,
            @Nullable GroupDispatcher dispatcher) implements StateTransfer {

        @Override
        public void write(OutputStream out) throws IOException {
            call(this.provider, out, "while writing the state for a joiner", false);
        }

        @Override
        public void read(InputStream in) throws IOException {
            call(this.loader, in, "while loading the state", true);
        }

        private void call(HandlerMethod method, Object stream, String what, boolean countedByEngine)
                throws IOException {
            try {
                method.invoke(stream);
            }
            catch (IOException ex) {
                if (this.dispatcher != null) {
                    this.dispatcher.stateTransferFailed(method, what, ex, countedByEngine);
                }
                throw ex;
            }
            catch (Throwable ex) {
                throw failed(method, what, ex, countedByEngine, this.dispatcher);
            }
        }

    }

}
