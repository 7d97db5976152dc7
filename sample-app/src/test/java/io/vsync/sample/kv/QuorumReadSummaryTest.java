package io.vsync.sample.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.vsync.api.MemberId;
import io.vsync.api.QueryResult;
import io.vsync.api.Reply;
import io.vsync.sample.kv.Messages.ReadReply;

class QuorumReadSummaryTest {

    private static final MemberId A = new MemberId("127.0.0.1:7801", 1);

    private static final MemberId B = new MemberId("127.0.0.1:7802", 1);

    private static final MemberId C = new MemberId("127.0.0.1:7803", 1);

    @Test
    void agreeingRepliesGiveTheValue() {
        QueryResult<ReadReply> result = new QueryResult<>(4, List.of(ok(A, "v", 3), ok(B, "v", 3)), List.of(), true);

        KvReplica.QuorumRead read = KvReplica.summarize("k", result, 2, 3);

        assertThat(read.present()).isTrue();
        assertThat(read.value()).isEqualTo("v");
        assertThat(read.version()).isEqualTo(3);
        assertThat(read.agreed()).isTrue();
        assertThat(read.agreement()).isEqualTo("2 of 2 replies agree (a majority of 3 is 2)");
        assertThat(read.replies()).extracting(KvReplica.ReplyView::member).containsExactly(A.toString(), B.toString());
    }

    @Test
    void anAgreedAbsenceIsNotPresent() {
        QueryResult<ReadReply> result = new QueryResult<>(4,
                List.of(new Reply<>(A, Reply.Status.OK, new ReadReply("k", false, null, 0, 9), null)), List.of(C),
                true);

        KvReplica.QuorumRead read = KvReplica.summarize("k", result, 1, 2);

        assertThat(read.present()).isFalse();
        assertThat(read.agreed()).isTrue();
        assertThat(read.failed()).containsExactly(C.toString());
    }

    @Test
    void disagreementAndMissingRepliesAreShown() {
        QueryResult<ReadReply> result = new QueryResult<>(4, List.of(ok(A, "v", 3), ok(B, "w", 5),
                new Reply<>(C, Reply.Status.ABORT, null, "IllegalStateException: boom")), List.of(), true);

        KvReplica.QuorumRead read = KvReplica.summarize("k", result, 2, 3);

        assertThat(read.agreed()).isFalse();
        assertThat(read.agreement()).startsWith("1 of 3 replies agree");
        assertThat(read.replies()).extracting(KvReplica.ReplyView::status).containsExactly("OK", "OK", "ABORT");
        assertThat(read.replies().get(2).error()).contains("boom");
    }

    @Test
    void anIncompleteQuorumIsNotAgreement() {
        QueryResult<ReadReply> result = new QueryResult<>(4, List.of(ok(A, "v", 3)), List.of(), false);

        KvReplica.QuorumRead read = KvReplica.summarize("k", result, 2, 3);

        assertThat(read.complete()).isFalse();
        assertThat(read.agreed()).isFalse();
        assertThat(read.agreement()).endsWith("the majority did not answer in time");
    }

    private static Reply<ReadReply> ok(MemberId from, String value, long version) {
        return new Reply<>(from, Reply.Status.OK, new ReadReply("k", true, value, version, 10), null);
    }
}
