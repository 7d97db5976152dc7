package io.vsync.api;

/** A query's quorum was not reached in time; the partial result is attached. */
public class QueryTimeoutException extends VsyncException {
    private final transient QueryResult<?> partial;

    public QueryTimeoutException(QueryResult<?> partial) {
        super("query timed out with " + partial.replies().size() + " replies (view " + partial.viewId()
                + ", failed members " + partial.failed() + ")");
        this.partial = partial;
    }

    public QueryResult<?> partial() {
        return partial;
    }
}
