package io.vsync.multicast;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.durability.SafeRecord;
import io.vsync.message.Ack;
import io.vsync.message.Data;
import io.vsync.message.MessageRef;
import io.vsync.message.OrderToken;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With a safeSend log, a member reports holding a safeSend (and its token) only once it is durable. */
class ViewStreamsDurabilityTest {

    private static final MemberId A = new MemberId("a:1", 1);
    private static final MemberId B = new MemberId("b:1", 1);
    private static final List<MemberId> AB = List.of(A, B);

    private static final class Journal implements SafeJournal {
        final List<SafeRecord> records = new ArrayList<>();

        @Override
        public long persist(SafeRecord record) {
            records.add(record);
            return records.size();
        }
    }

    private static final class Sink implements DeliverySink {
        final List<Long> delivered = new ArrayList<>();

        @Override
        public void deliver(MemberId sender, long msgNo, DeliveryKind kind, byte[] payload) {
            delivered.add(msgNo);
        }

        @Override
        public void released(long bytes) {
        }
    }

    private static Data data(long seq, DeliveryKind kind) {
        return new Data("g", 1, A, seq, seq, kind.code(), true, new byte[] {(byte) seq});
    }

    @Test
    void aSafeMessageIsAcknowledgedOnlyOnceTheLogHoldsIt() {
        Journal journal = new Journal();
        ViewStreams b = new ViewStreams("g", 1, AB, 1, 1024, new Sink(), journal);
        b.onData(0, data(1, DeliveryKind.SAFE));
        assertThat(journal.records).singleElement().isInstanceOf(SafeRecord.SafeData.class);
        Ack before = b.takeAck(true);
        assertThat(before.received()[0]).as("held, not yet durable").isZero();
        assertThat(b.received()[0]).isZero();
        b.onPersisted(1);
        assertThat(b.takeAck(false).received()[0]).isEqualTo(1);
        assertThat(b.received()[0]).isEqualTo(1);
    }

    @Test
    void otherKindsNeedNoDiskButWaitBehindAnEarlierSafeMessage() {
        Journal journal = new Journal();
        ViewStreams b = new ViewStreams("g", 1, AB, 1, 1024, new Sink(), journal);
        b.onData(0, data(1, DeliveryKind.FIFO));
        assertThat(b.received()[0]).isEqualTo(1);
        b.onData(0, data(2, DeliveryKind.SAFE));
        b.onData(0, data(3, DeliveryKind.FIFO));
        assertThat(b.received()[0]).as("the safe message at 2 is not durable yet").isEqualTo(1);
        b.onPersisted(1);
        assertThat(b.received()[0]).isEqualTo(3);
        assertThat(journal.records).hasSize(1);
    }

    @Test
    void aWedgedMemberPromisesOnlyWhatIsDurable() {
        Journal journal = new Journal();
        ViewStreams b = new ViewStreams("g", 1, AB, 1, 1024, new Sink(), journal);
        b.onData(0, data(1, DeliveryKind.SAFE));
        b.wedge();
        b.onPersisted(1);
        assertThat(b.takeAck(true).received()[0]).as("frozen at the promise").isZero();
    }

    @Test
    void orderTokensAreLoggedAndAcknowledgedOnceDurableAndDeliveryWaitsForThem() {
        Journal journal = new Journal();
        Sink sink = new Sink();
        ViewStreams b = new ViewStreams("g", 1, AB, 1, 1024, sink, journal);
        b.onData(0, data(1, DeliveryKind.SAFE));
        b.onToken(new OrderToken("g", 1, 1, List.of(new MessageRef(0, 1))));
        assertThat(journal.records).hasSize(2).last().isInstanceOf(SafeRecord.Token.class);
        b.onAck(0, new Ack("g", 1, new long[] {1, 0}, 1));
        assertThat(sink.delivered).as("this member's own log does not hold it yet").isEmpty();
        assertThat(b.tokensReceived()).isZero();
        b.onPersisted(2);
        assertThat(b.tokensReceived()).isEqualTo(1);
        assertThat(sink.delivered).containsExactly(1L);
    }

    @Test
    void theSendersOwnSafeMessageCountsForItOnlyOnceDurable() {
        Journal journal = new Journal();
        Sink sink = new Sink();
        ViewStreams b = new ViewStreams("g", 1, AB, 1, 1024, sink, journal);
        b.send(7, DeliveryKind.SAFE, new byte[] {1});
        assertThat(b.received()[1]).isZero();
        b.onPersisted(1);
        assertThat(b.received()[1]).isEqualTo(1);
    }

    @Test
    void aReceiverDoesNotInferThatTheSenderLoggedWhatItSent() {
        Journal journal = new Journal();
        Sink sink = new Sink();
        ViewStreams b = new ViewStreams("g", 1, AB, 1, 1024, sink, journal);
        b.onData(0, data(1, DeliveryKind.FIFO));
        b.onPersisted(0);
        assertThat(sink.delivered).as("A's own acknowledgement has not come").isEmpty();
        b.onAck(0, new Ack("g", 1, new long[] {1, 0}, 0));
        assertThat(sink.delivered).containsExactly(1L);
    }

    @Test
    void theCutIsLoggedBeforeTheTailIsDelivered() {
        Journal journal = new Journal();
        Sink sink = new Sink();
        ViewStreams b = new ViewStreams("g", 1, AB, 1, 1024, sink, journal);
        b.onData(0, data(1, DeliveryKind.SAFE));
        b.onPersisted(1);
        b.wedge();
        b.cut(new long[] {1, 0}, 0);
        assertThat(journal.records.get(1)).isInstanceOf(SafeRecord.Cut.class);
        assertThat(sink.delivered).containsExactly(1L);
    }
}
