package io.vsync.message;

import io.vsync.api.MemberId;

/** A would-be joiner asks a seed whether it is a member of the group. */
public record JoinProbe(String group, MemberId joiner) implements GroupMessage {
}
