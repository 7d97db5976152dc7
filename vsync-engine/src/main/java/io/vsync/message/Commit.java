package io.vsync.message;

/**
 * The decision is chosen (a majority of the old view accepted it): deliver each stream up to
 * the trim, then install the new view. Joiners receive it too, as their admission.
 */
public record Commit(String group, long viewId, Decision decision) implements GroupMessage {
}
