package io.vsync.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.GroupStatus;
import org.junit.jupiter.api.Test;

/** The fuzz harness really starts from a two-member view, so fuzzed messages reach the handlers. */
class NodeHarnessTest {
    @Test
    void startsInAViewWithThePeer() {
        NodeHarness h = new NodeHarness();
        assertThat(h.node.status(NodeHarness.GROUP)).isEqualTo(GroupStatus.MEMBER);
        assertThat(h.node.view(NodeHarness.GROUP).members()).hasSize(2)
                .contains(NodeHarness.peerId());
    }
}
