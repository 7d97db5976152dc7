package io.vsync.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A future of a group operation that completes on the group's delivery thread (a send's own
 * delivery, a flush). Waiting for it on that very thread, i.e. inside one of the group's
 * handlers, could never end: the thread that would complete it is the one waiting. Instead of
 * hanging, {@code get}/{@code join} there throw {@link IllegalStateException} (unless the
 * future is already done). Dependent stages ({@code thenApply}, …) carry the same guard.
 */
final class HandlerSafeFuture<T> extends CompletableFuture<T> {

    private final Supplier<Thread> deliveryThread;
    private final String group;

    HandlerSafeFuture(String group, Supplier<Thread> deliveryThread) {
        this.group = group;
        this.deliveryThread = deliveryThread;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new HandlerSafeFuture<>(group, deliveryThread);
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        refuseWaitOnDeliveryThread();
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        refuseWaitOnDeliveryThread();
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        refuseWaitOnDeliveryThread();
        return super.join();
    }

    private void refuseWaitOnDeliveryThread() {
        if (!isDone() && Thread.currentThread() == deliveryThread.get()) {
            throw new IllegalStateException("group '" + group + "': waiting for a send or flush inside one of the "
                    + "group's handlers would never end (it completes on the thread running the handler); "
                    + "chain on the future (thenRun, whenComplete) instead of blocking on it");
        }
    }
}
