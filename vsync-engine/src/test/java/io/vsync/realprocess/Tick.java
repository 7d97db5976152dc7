package io.vsync.realprocess;

/**
 * The load's payload: the sending process's name and its own running number (across all its
 * incarnations), so a receiver can tell how far it has got with each sender.
 *
 * @param from    the sending process's name, e.g. {@code m3}
 * @param seq     the sender's running number, 1, 2, 3, …
 * @param ordered whether it went out with {@code orderedSend}, {@code causalSend} or {@code safeSend} (else {@code send})
 * @param sentAt  the sender's wall clock when it sent it (ms; all members share one machine)
 */
public record Tick(String from, long seq, boolean ordered, long sentAt) {
}
