package io.vsync.codec;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.message.Accept;
import io.vsync.message.Accepted;
import io.vsync.message.Ack;
import io.vsync.message.Ballot;
import io.vsync.message.CatchUp;
import io.vsync.message.Commit;
import io.vsync.message.Data;
import io.vsync.message.Decision;
import io.vsync.message.Heartbeat;
import io.vsync.message.JoinProbe;
import io.vsync.message.JoinProbeReply;
import io.vsync.message.JoinRequest;
import io.vsync.message.LeaveRequest;
import io.vsync.message.MessageRef;
import io.vsync.message.Nak;
import io.vsync.message.NotMember;
import io.vsync.message.OrderToken;
import io.vsync.message.Prepare;
import io.vsync.message.Promise;
import io.vsync.message.ProtocolMessage;
import io.vsync.message.Reject;
import io.vsync.message.Suspicion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Protocol messages for tests: one of every frame type, edge cases, and random ones. */
public final class SampleMessages {
    public static final MemberId A = new MemberId("127.0.0.1:7800", 1);
    public static final MemberId B = new MemberId("127.0.0.1:7801", Long.MAX_VALUE);
    /** 255 bytes of UTF-8: 127 two-byte characters and one ASCII digit. */
    public static final String LONGEST_UNICODE = "é".repeat(127) + "1";
    public static final MemberId LONGEST = new MemberId(LONGEST_UNICODE, Long.MIN_VALUE);

    private SampleMessages() {
    }

    /** One message of each of the 18 protocol frame types, with ordinary values. */
    public static List<ProtocolMessage> oneOfEach() {
        Ballot ballot = new Ballot(3, A);
        Decision decision = new Decision(8, List.of(A, B), List.of(B), List.of(), List.of(LONGEST), new long[] {5, 9}, 4);
        return List.of(
                new Heartbeat(42),
                new Data("accounts", 7, A, 1, 10, DeliveryKind.ORDERED.code(), true,
                        "hello".getBytes(StandardCharsets.UTF_8)),
                new OrderToken("accounts", 7, 2, List.of(new MessageRef(0, 1), new MessageRef(1, 5))),
                new Ack("accounts", 7, new long[] {3, 4, 5}, 2),
                new Nak("accounts", 7, Nak.SEQUENCER, 3, 9),
                new JoinProbe("accounts", B),
                new JoinProbeReply("accounts", A, B, 42),
                new JoinRequest("accounts", B),
                new LeaveRequest("accounts", 7, B),
                new Suspicion("accounts", 7, B),
                new Prepare("accounts", 7, ballot),
                new Promise("accounts", 7, ballot, new long[] {3, 4}, 2, new Ballot(2, B), decision),
                new Accept("accounts", 7, ballot, decision),
                new Accepted("accounts", 7, ballot),
                new Commit("accounts", 7, decision),
                new Reject("accounts", 7, ballot),
                new NotMember("accounts", 8, B),
                new NotMember("accounts", 9, null),
                new CatchUp("accounts", 7));
    }

    /** Edge values: empty lists and payloads, nulls, longest strings, extreme numbers. */
    public static List<ProtocolMessage> edgeCases() {
        Decision empty = new Decision(Long.MIN_VALUE, List.of(), List.of(), List.of(), List.of(), new long[0], Long.MAX_VALUE);
        Ballot longest = new Ballot(Long.MAX_VALUE, LONGEST);
        return List.of(
                new Heartbeat(Long.MIN_VALUE),
                new Data("", Long.MAX_VALUE, LONGEST, Long.MIN_VALUE, -1, DeliveryKind.P2P.code(), false, new byte[0]),
                new Data(LONGEST_UNICODE, 0, A, 0, 0, DeliveryKind.FIFO.code(), true, new byte[] {0, -1, 127, -128}),
                new Data("日本語グループ", 1, A, 1, 1, DeliveryKind.SAFE.code(), true, new byte[1000]),
                new OrderToken("g", 0, 0, List.of()),
                new Ack("g", -1, new long[0], Long.MIN_VALUE),
                new Nak("g", 0, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE),
                new JoinProbeReply("g", null, null, 0),
                new JoinProbeReply("g", null, LONGEST, Long.MAX_VALUE),
                new JoinProbeReply("g", LONGEST, null, -1),
                new Promise("g", 0, longest, new long[0], 0, null, null),
                new Promise("g", 0, longest, new long[] {Long.MAX_VALUE}, 0, longest, null),
                new Promise("g", 0, longest, new long[0], 0, null, empty),
                new Accept(LONGEST_UNICODE, 0, longest, empty),
                new Commit("g", 0, new Decision(1, manyMembers(300), manyMembers(3), manyMembers(2), manyMembers(1),
                        new long[300], 0)),
                new Reject("g", 0, longest),
                new CatchUp("Ωmega", Long.MIN_VALUE));
    }

    public static List<ProtocolMessage> all() {
        List<ProtocolMessage> all = new ArrayList<>(oneOfEach());
        all.addAll(edgeCases());
        return all;
    }

    /** A random message of a random type: for seeded property tests. */
    public static ProtocolMessage random(Random rnd) {
        String g = randomString(rnd);
        long v = rnd.nextLong();
        return switch (rnd.nextInt(18)) {
            case 0 -> new Heartbeat(rnd.nextLong());
            case 1 -> {
                byte[] payload = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(5000) : rnd.nextInt(64)];
                rnd.nextBytes(payload);
                yield new Data(g, v, randomMember(rnd), rnd.nextLong(), rnd.nextLong(),
                        (byte) rnd.nextInt(DeliveryKind.values().length), rnd.nextBoolean(), payload);
            }
            case 2 -> {
                List<MessageRef> refs = new ArrayList<>();
                for (int i = rnd.nextInt(20); i > 0; i--) {
                    refs.add(new MessageRef(rnd.nextInt(), rnd.nextLong()));
                }
                yield new OrderToken(g, v, rnd.nextLong(), refs);
            }
            case 3 -> new Ack(g, v, randomLongs(rnd), rnd.nextLong());
            case 4 -> new Nak(g, v, rnd.nextInt(), rnd.nextLong(), rnd.nextLong());
            case 5 -> new JoinProbe(g, randomMember(rnd));
            case 6 -> new JoinProbeReply(g, rnd.nextBoolean() ? null : randomMember(rnd),
                    rnd.nextBoolean() ? null : randomMember(rnd), rnd.nextLong());
            case 7 -> new JoinRequest(g, randomMember(rnd));
            case 8 -> new LeaveRequest(g, v, randomMember(rnd));
            case 9 -> new Suspicion(g, v, randomMember(rnd));
            case 10 -> new Prepare(g, v, randomBallot(rnd));
            case 11 -> new Promise(g, v, randomBallot(rnd), randomLongs(rnd), rnd.nextLong(),
                    rnd.nextBoolean() ? null : randomBallot(rnd), rnd.nextBoolean() ? null : randomDecision(rnd));
            case 12 -> new Accept(g, v, randomBallot(rnd), randomDecision(rnd));
            case 13 -> new Accepted(g, v, randomBallot(rnd));
            case 14 -> new Commit(g, v, randomDecision(rnd));
            case 15 -> new Reject(g, v, randomBallot(rnd));
            case 16 -> new NotMember(g, v, rnd.nextBoolean() ? null : randomMember(rnd));
            default -> new CatchUp(g, v);
        };
    }

    private static List<MemberId> manyMembers(int n) {
        List<MemberId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(new MemberId("10.0." + (i / 250) + "." + (i % 250) + ":7800", i));
        }
        return ids;
    }

    private static String randomString(Random rnd) {
        String alphabet = "abcxyz-_.:0189ÅéΩ日本";
        StringBuilder sb = new StringBuilder();
        for (int i = rnd.nextInt(30); i > 0; i--) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static MemberId randomMember(Random rnd) {
        return new MemberId("h" + randomString(rnd) + ":" + rnd.nextInt(65536), rnd.nextLong());
    }

    private static Ballot randomBallot(Random rnd) {
        return new Ballot(rnd.nextLong(), randomMember(rnd));
    }

    private static long[] randomLongs(Random rnd) {
        long[] values = new long[rnd.nextInt(12)];
        for (int i = 0; i < values.length; i++) {
            values[i] = rnd.nextLong();
        }
        return values;
    }

    private static Decision randomDecision(Random rnd) {
        return new Decision(rnd.nextLong(), randomMembers(rnd), randomMembers(rnd), randomMembers(rnd), randomMembers(rnd),
                randomLongs(rnd), rnd.nextLong());
    }

    private static List<MemberId> randomMembers(Random rnd) {
        List<MemberId> ids = new ArrayList<>();
        for (int i = rnd.nextInt(6); i > 0; i--) {
            ids.add(randomMember(rnd));
        }
        return ids;
    }
}
