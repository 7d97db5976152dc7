package io.vsync.message;

import io.vsync.api.MemberId;

/**
 * A would-be joiner asks a seed whether it is a member of the group.
 *
 * @param position how much of the group's history the joiner recovered from its safeSend log
 *                 (the last view id it logged; 0 without a log): among processes that would
 *                 create the group at once, the highest position creates it
 */
public record JoinProbe(String group, MemberId joiner, long position) implements GroupMessage {

    public JoinProbe(String group, MemberId joiner) {
        this(group, joiner, 0);
    }
}
