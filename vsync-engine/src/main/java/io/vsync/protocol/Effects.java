package io.vsync.protocol;

import io.vsync.api.DeliveryKind;
import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import io.vsync.message.ProtocolMessage;
import java.util.Collection;

/**
 * The actions the protocol core asks for. The core calls these synchronously while it handles
 * an event; the runtime turns them into socket writes and handler calls, the simulator into
 * scheduled events. Implementations must not call back into the core.
 */
public interface Effects {

    /** Send a frame to the engine listening at {@code address}. */
    void send(String address, ProtocolMessage message);

    /** Send the same frame to several engines (encoded once). */
    void send(Collection<String> addresses, ProtocolMessage message);

    /** Hand a message to the application, in delivery order for its group. */
    void deliver(String group, MemberId sender, long msgNo, long viewId, DeliveryKind kind, byte[] payload);

    /** Hand a new view to the application. */
    void viewInstalled(String group, View view);

    /** The group's status changed (joined, partitioned, left, …). */
    void statusChanged(String group, GroupStatus status);

    /**
     * This member's own messages totalling {@code bytes} no longer occupy its flow-control
     * window: they are stable, or were dropped because the member left the group.
     */
    void released(String group, long bytes);

    /**
     * Write {@code record} to the group's safeSend log, then report {@code ticket} (and every
     * lower one) through {@code ProtocolNode.onPersisted} once it is durable as the log's fsync
     * policy says. Tickets grow by one per record. Asked only for groups joined with a log.
     */
    default void persist(String group, long ticket, io.vsync.durability.SafeRecord record) {
        throw new UnsupportedOperationException("group '" + group + "' has a safeSend log but this driver cannot write one");
    }
}
