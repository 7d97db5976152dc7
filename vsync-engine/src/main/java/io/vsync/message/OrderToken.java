package io.vsync.message;

import java.util.List;

/**
 * The sequencer's (the leader's) total-order decisions, itself a sequenced stream so that a
 * view change can cut it like any sender's stream. The refs of token 1, then token 2, …
 * concatenated give the total-order slots 1, 2, 3, … of the view.
 *
 * @param tokenSeq position in the sequencer stream of this view, from 1
 * @param refs     the ordered messages given the next slots
 */
public record OrderToken(String group, long viewId, long tokenSeq, List<MessageRef> refs)
        implements GroupMessage {
}
