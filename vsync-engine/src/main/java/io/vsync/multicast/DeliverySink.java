package io.vsync.multicast;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;

/** Where {@link ViewStreams} hands what it delivers and the flow-control credit it frees. */
public interface DeliverySink {

    void deliver(MemberId sender, long msgNo, DeliveryKind kind, byte[] payload);

    /** Own messages of {@code bytes} became stable: the sender may use that window again. */
    void released(long bytes);
}
