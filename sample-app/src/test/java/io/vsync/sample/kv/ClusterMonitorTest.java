package io.vsync.sample.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.api.View;

class ClusterMonitorTest {

    private static final MemberId A = new MemberId("127.0.0.1:7801", 1);

    private static final MemberId B = new MemberId("127.0.0.1:7802", 1);

    private static final MemberId C = new MemberId("127.0.0.1:7803", 1);

    private final AtomicLong now = new AtomicLong(1_000_000);

    private final ClusterMonitor monitor = new ClusterMonitor(this.now::get);

    @Test
    void ratesAreMessagesPerSecondOverTheLastTenSeconds() {
        this.monitor.viewChanged(new View("kv", 1, List.of(A, B), List.of(A, B), List.of(), List.of()));
        for (int second = 0; second < 10; second++) {
            for (int i = 0; i < 5; i++) {
                this.monitor.delivered(info(A));
            }
            this.now.addAndGet(1000);
        }
        this.now.addAndGet(-1000);   // still within the tenth second

        assertThat(this.monitor.ratePerSecond(A)).isEqualTo(5.0);
        assertThat(this.monitor.ratePerSecond(B)).isZero();
        assertThat(this.monitor.delivered(A)).isEqualTo(50);

        this.now.addAndGet(5000);    // five quiet seconds: half the window is empty
        assertThat(this.monitor.ratePerSecond(A)).isEqualTo(2.5);
        this.now.addAndGet(60_000);  // a quiet minute
        assertThat(this.monitor.ratePerSecond(A)).isZero();
        assertThat(this.monitor.delivered(A)).isEqualTo(50);
    }

    @Test
    void keepsTheLastViewChangesNewestFirstAndForgetsMembersThatAreGone() {
        this.monitor.viewChanged(new View("kv", 1, List.of(A, B, C), List.of(A, B, C), List.of(), List.of()));
        this.monitor.delivered(info(C));
        this.monitor.viewChanged(new View("kv", 2, List.of(A, B), List.of(), List.of(), List.of(C)));
        for (long id = 3; id < 3 + ClusterMonitor.HISTORY; id++) {
            this.monitor.viewChanged(new View("kv", id, List.of(A, B), List.of(), List.of(), List.of()));
        }

        List<ClusterMonitor.ViewChange> changes = this.monitor.viewChanges();
        assertThat(changes).hasSize(ClusterMonitor.HISTORY);
        assertThat(changes.get(0).viewId()).isEqualTo(Long.toString(2 + ClusterMonitor.HISTORY));
        assertThat(changes.get(changes.size() - 1).viewId()).isEqualTo("3");
        assertThat(this.monitor.view().id()).isEqualTo(2 + ClusterMonitor.HISTORY);
        assertThat(this.monitor.delivered(C)).isZero();
    }

    @Test
    void aViewChangeRecordsWhoJoinedLeftAndFailed() {
        this.monitor.viewChanged(new View("kv", 7, List.of(B, C), List.of(C), List.of(A), List.of()));

        ClusterMonitor.ViewChange change = this.monitor.viewChanges().get(0);
        assertThat(change.leader()).isEqualTo(B.toString());
        assertThat(change.members()).containsExactly(B.toString(), C.toString());
        assertThat(change.joined()).containsExactly(C.toString());
        assertThat(change.left()).containsExactly(A.toString());
        assertThat(change.failed()).isEmpty();
    }

    private static DeliveryInfo info(MemberId sender) {
        return new DeliveryInfo("kv", sender, 1, DeliveryKind.ORDERED);
    }
}
