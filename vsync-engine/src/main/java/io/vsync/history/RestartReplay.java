package io.vsync.history;

import io.vsync.api.MemberId;
import java.util.List;

/**
 * What one process replayed from its safeSend log when it restarted, in replay order.
 *
 * @param group    the group
 * @param process  the restarted process's address
 * @param founder  whether this process then created the group again (its replay is the group's
 *                 recovered history; the others receive its state)
 * @param messages (sender, message number) of each replayed safeSend
 */
public record RestartReplay(String group, String process, boolean founder, List<Message> messages) {

    public RestartReplay {
        messages = List.copyOf(messages);
    }

    /** One replayed safeSend. */
    public record Message(MemberId sender, long msgNo) {
    }
}
