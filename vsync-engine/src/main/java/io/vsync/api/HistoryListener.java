package io.vsync.api;

/**
 * Observes the protocol's visible steps, in the order they happen at this member: the
 * simulator and the real-process tests record them to check the guarantees afterwards.
 * Called on the protocol thread; must be quick and must not call back into the engine.
 */
public interface HistoryListener {

    /** Records nothing: the engine's default. */
    HistoryListener NONE = new HistoryListener() {
        @Override
        public void viewInstalled(MemberId self, View view) {
        }

        @Override
        public void sent(String group, MemberId self, long msgNo, long viewId, DeliveryKind kind) {
        }

        @Override
        public void delivered(String group, MemberId self, MemberId sender, long msgNo, long viewId,
                              DeliveryKind kind) {
        }

        @Override
        public void partitioned(String group, MemberId self, long viewId) {
        }

        @Override
        public void left(String group, MemberId self) {
        }
    };

    /** A view was installed by {@code self}. */
    void viewInstalled(MemberId self, View view);

    /** {@code self} put its message {@code msgNo} out in view {@code viewId}. */
    void sent(String group, MemberId self, long msgNo, long viewId, DeliveryKind kind);

    /** {@code self} delivered {@code sender}'s message {@code msgNo} in view {@code viewId}. */
    void delivered(String group, MemberId self, MemberId sender, long msgNo, long viewId, DeliveryKind kind);

    /** {@code self} found itself in a minority or excluded, in view {@code viewId}. */
    void partitioned(String group, MemberId self, long viewId);

    /** {@code self} left the group gracefully. */
    void left(String group, MemberId self);
}
