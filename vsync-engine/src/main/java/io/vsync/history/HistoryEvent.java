package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.Objects;

/**
 * One visible protocol step, as recorded by the member that took it. A history is a list of
 * these; the order of one member's events is that member's local order, while the events of
 * different members may interleave arbitrarily.
 *
 * <p>A message's identity is {@code (sender, msgNo)}: a message that missed a view change's
 * cut is sent again in the next view under the same number, so it has two {@link Sent} events.
 */
public sealed interface HistoryEvent {

    /** The group the step belongs to. */
    String group();

    /** The member (one incarnation) that recorded the step. */
    MemberId member();

    /** {@code member} installed {@code view}. */
    record ViewInstalled(String group, MemberId member, View view) implements HistoryEvent {
        public ViewInstalled {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(view, "view");
            if (!group.equals(view.group())) {
                throw new IllegalArgumentException(
                        "view " + view.id() + " belongs to group '" + view.group() + "', not '" + group + "'");
            }
        }

        /** The event of {@code member} installing {@code view}, in the view's group. */
        public static ViewInstalled of(MemberId member, View view) {
            return new ViewInstalled(view.group(), member, view);
        }
    }

    /** {@code member} put its message {@code msgNo} out in view {@code viewId}. */
    record Sent(String group, MemberId member, long msgNo, long viewId, DeliveryKind kind)
            implements HistoryEvent {
        public Sent {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** {@code member} delivered {@code sender}'s message {@code msgNo} while in view {@code viewId}. */
    record Delivered(String group, MemberId member, MemberId sender, long msgNo, long viewId,
                     DeliveryKind kind) implements HistoryEvent {
        public Delivered {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /**
     * {@code member} found itself in a minority or excluded while in view {@code viewId}. It
     * installs, sends and delivers nothing more under this id; it may rejoin as a new
     * incarnation.
     */
    record Partitioned(String group, MemberId member, long viewId) implements HistoryEvent {
        public Partitioned {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(member, "member");
        }
    }

    /** {@code member} left the group gracefully. */
    record Left(String group, MemberId member) implements HistoryEvent {
        public Left {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(member, "member");
        }
    }
    /**
     * {@code member} answered {@code asker}'s query, the message {@code (asker, requestMsgNo)}
     * it delivered in view {@code viewId}, with {@code value}: its application state just
     * before that delivery (see {@link StateDigest}). Recorded by the application, so it may
     * come after later deliveries in the member's file: the request names the position.
     */
    record Replied(String group, MemberId member, MemberId asker, long requestMsgNo, long viewId, long value)
            implements HistoryEvent {
        public Replied {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(asker, "asker");
        }
    }

    /** {@code member}, the asker, accepted {@code from}'s reply carrying {@code value} to its request {@code requestMsgNo}. */
    record ReplyReceived(String group, MemberId member, MemberId from, long requestMsgNo, long value)
            implements HistoryEvent {
        public ReplyReceived {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(from, "from");
        }
    }

    /**
     * {@code member}, the donor, wrote the checkpoint {@code digest} for {@code joiner} at the
     * joiner's admission: on installing view {@code viewId}, before any delivery in it.
     */
    record StateSent(String group, MemberId member, MemberId joiner, long viewId, long digest)
            implements HistoryEvent {
        public StateSent {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(joiner, "joiner");
        }
    }

    /**
     * {@code member}, a joiner, loaded {@code donor}'s checkpoint {@code digest} for its first
     * view {@code viewId}, before delivering anything in it.
     */
    record StateLoaded(String group, MemberId member, MemberId donor, long viewId, long digest)
            implements HistoryEvent {
        public StateLoaded {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(donor, "donor");
        }
    }
}
