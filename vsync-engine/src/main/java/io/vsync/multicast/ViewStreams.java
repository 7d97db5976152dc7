package io.vsync.multicast;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.durability.SafeRecord;
import io.vsync.message.Ack;
import io.vsync.message.Data;
import io.vsync.message.MessageRef;
import io.vsync.message.Nak;
import io.vsync.message.OrderToken;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The multicast state of one member in one view: every member's message stream, the
 * sequencer's order tokens, what each member reported holding, and delivery.
 *
 * <p>Delivery is <em>uniform</em>: a message is delivered only once every member of the view
 * holds it (and, for a total-order message, once every member holds the token that orders it).
 * A view change can therefore cut each stream at the lowest point the surviving members
 * reported, and every message anyone delivered lies below that cut. This is Derecho's rule; it
 * costs one round of acknowledgements of latency and saves the view change from fetching.
 *
 * <p>Every member's messages form one stream, so all primitives are FIFO per sender. A
 * total-order message is delivered when its slot comes up; the leader (rank 0) assigns slots
 * in the order it holds messages, in a stream of tokens that is itself cut at view changes.
 *
 * <p>With a safeSend log ({@link SafeJournal}), what this member reports holding (its
 * acknowledgements, and at a view change its promise) is what its log holds: a safeSend
 * fragment or an order token counts only once the driver reported it durable
 * ({@link #onPersisted}). Since delivery waits for every member, a safeSend delivered anywhere is
 * then on every member's disk with the token that orders it. Without a log, durable is simply
 * received.
 *
 * <p>Not thread-safe: owned by the protocol thread.
 */
public final class ViewStreams {

    /** Largest number of messages sent again for one retransmission request. */
    private static final int MAX_RETRANSMIT = 512;

    private final String group;
    private final long viewId;
    private final List<MemberId> members;
    private final int n;
    private final int myRank;
    private final int fragmentSize;
    private final DeliverySink sink;
    /** Null when the group has no safeSend log. */
    private final SafeJournal journal;
    private final DurableMark[] marks;
    private final DurableMark tokenMark = new DurableMark();

    private final List<SeqBuffer<Data>> streams = new ArrayList<>();
    /**
     * acks[m][r]: up to where member m holds stream r with no gap; acks[myRank] is ours, as we
     * report it (durably held, when there is a log).
     */
    private final long[][] acks;
    /** Up to where this member holds each stream in memory with no gap; acks[myRank] itself without a log. */
    private final long[] contiguous;
    private final long[] delivered;
    private final long[] maxSeen;
    private final ByteArrayOutputStream[] partial;

    private final SeqBuffer<OrderToken> tokens = new SeqBuffer<>();
    private final long[] tokenAcks;
    /** Tokens held with no gap (tokenAcks[myRank] is what is reported: durably held). */
    private long tokensHeld;
    private long tokenMaxSeen;
    private long tokensAbsorbed;
    /**
     * Per stream, the highest sequence number any token held here names. The sequencer gives a
     * stream's messages their slots in sequence order, so every message of the stream up to it
     * is announced by a token held here or by an earlier one still missing.
     */
    private final long[] announcedUpTo;
    /** Message references in tokens held but not yet absorbed into {@link #slots}: the load. */
    private int unabsorbedRefs;
    private final ArrayList<MessageRef> slots = new ArrayList<>();
    private int nextSlot;

    // The sequencer's side (rank 0 only).
    private final long[] assignedUpTo;
    private final ArrayList<MessageRef> pendingRefs = new ArrayList<>();
    private long tokenSeq;

    private long mySeq;
    private final ArrayDeque<OwnMessage> own = new ArrayDeque<>();

    private boolean wedged;
    private long[] frozenAcks;
    private long frozenTokenAck;
    private boolean ackDirty;

    private final long[] contiguousAtLastCheck;
    private final long[] knownAtLastCheck;
    private long tokensAtLastCheck;
    private long tokensKnownAtLastCheck;
    private long deliveredCount;

    public ViewStreams(String group, long viewId, List<MemberId> members, int myRank, int fragmentSize,
                       DeliverySink sink) {
        this(group, viewId, members, myRank, fragmentSize, sink, null);
    }

    /** @param journal where safeSend records go before they are acknowledged; null for no log */
    public ViewStreams(String group, long viewId, List<MemberId> members, int myRank, int fragmentSize,
                       DeliverySink sink, SafeJournal journal) {
        this.group = group;
        this.viewId = viewId;
        this.members = List.copyOf(members);
        this.n = members.size();
        this.myRank = myRank;
        this.fragmentSize = fragmentSize;
        this.sink = sink;
        this.journal = journal;
        for (int i = 0; i < n; i++) {
            streams.add(new SeqBuffer<>());
        }
        this.acks = new long[n][n];
        this.contiguous = journal == null ? acks[myRank] : new long[n];
        this.marks = new DurableMark[n];
        for (int i = 0; i < n; i++) {
            marks[i] = new DurableMark();
        }
        this.delivered = new long[n];
        this.maxSeen = new long[n];
        this.partial = new ByteArrayOutputStream[n];
        this.tokenAcks = new long[n];
        this.announcedUpTo = new long[n];
        this.assignedUpTo = new long[n];
        this.contiguousAtLastCheck = new long[n];
        this.knownAtLastCheck = new long[n];
    }

    public long viewId() {
        return viewId;
    }

    public boolean isSequencer() {
        return myRank == 0;
    }

    // ---------------------------------------------------------------- sending

    /**
     * Puts this member's message into its stream, fragmented as needed.
     *
     * @return the frames to send to every other member
     */
    public List<Data> send(long msgNo, DeliveryKind kind, byte[] payload) {
        if (wedged) {
            throw new IllegalStateException("sending into a wedged view");
        }
        List<Data> frames = new ArrayList<>(1);
        long first = mySeq + 1;
        byte[] original = payload;
        if (kind == DeliveryKind.CAUSAL) {
            payload = CausalPast.prefix(delivered, payload);
        }
        if (payload.length <= fragmentSize) {
            frames.add(new Data(group, viewId, members.get(myRank), ++mySeq, msgNo, kind.code(), true, payload));
        } else {
            for (int offset = 0; offset < payload.length; offset += fragmentSize) {
                int end = Math.min(payload.length, offset + fragmentSize);
                frames.add(new Data(group, viewId, members.get(myRank), ++mySeq, msgNo, kind.code(),
                        end == payload.length, Arrays.copyOfRange(payload, offset, end)));
            }
        }
        SeqBuffer<Data> mine = streams.get(myRank);
        for (Data frame : frames) {
            mine.put(frame.seq(), frame);
        }
        contiguous[myRank] = mySeq;
        maxSeen[myRank] = mySeq;
        if (journal != null) {
            for (Data frame : frames) {
                journalData(myRank, frame);
            }
            refreshDurable(myRank);
        }
        own.add(new OwnMessage(msgNo, kind, original, first, mySeq));
        if (isSequencer()) {
            assignNewlyContiguous(myRank);
        }
        deliverReady();
        return frames;
    }

    /** The leader's pending order decisions as a token to multicast, or null. */
    public OrderToken takeToken() {
        if (!isSequencer() || wedged || pendingRefs.isEmpty()) {
            return null;
        }
        OrderToken token = new OrderToken(group, viewId, ++tokenSeq, List.copyOf(pendingRefs));
        pendingRefs.clear();
        tokens.put(token.tokenSeq(), token);
        unabsorbedRefs += token.refs().size();
        tokensHeld = tokenSeq;
        if (journal != null) {
            journalToken(token);
        }
        refreshTokenDurable();
        tokenMaxSeen = tokenSeq;
        deliverReady();
        return token;
    }

    // ---------------------------------------------------------------- receiving

    /** @return false when the frame does not fit this view (wrong sender, absurd seq) */
    public boolean onData(int senderRank, Data data) {
        if (senderRank == myRank || data.seq() <= 0) {
            return false;
        }
        SeqBuffer<Data> stream = streams.get(senderRank);
        if (data.seq() <= contiguous[senderRank]) {
            return true;
        }
        if (!stream.put(data.seq(), data)) {
            return data.seq() >= stream.base() && data.seq() - stream.base() < SeqBuffer.MAX_AHEAD;
        }
        maxSeen[senderRank] = Math.max(maxSeen[senderRank], data.seq());
        if (journal == null) {
            // The sender holds what it sent; with a log, only its own acknowledgement says it is on its disk.
            acks[senderRank][senderRank] = Math.max(acks[senderRank][senderRank], data.seq());
        }
        long before = contiguous[senderRank];
        while (stream.get(contiguous[senderRank] + 1) != null) {
            contiguous[senderRank]++;
            if (journal != null) {
                journalData(senderRank, stream.get(contiguous[senderRank]));
            }
        }
        if (contiguous[senderRank] != before) {
            if (journal != null) {
                ackDirty = refreshDurable(senderRank) || ackDirty;
            } else if (!waitsForItsToken(senderRank, before, contiguous[senderRank])) {
                ackDirty = true;
            }
            if (isSequencer() && !wedged) {
                assignNewlyContiguous(senderRank);
            }
            deliverReady();
        }
        return true;
    }

    /**
     * True when acknowledging stream {@code rank}'s messages {@code (from, to]} now would tell
     * nobody anything they can use: each is a whole total-order message whose place the
     * sequencer has not announced here yet. Nobody delivers it before this member holds its
     * token, and the acknowledgement of the token carries it (an ack reports every stream up to
     * where it is held); acknowledging it alone would cost every member one more frame per
     * message. Anything else is acknowledged at once: FIFO and causal messages, fragments (the
     * sender's window must not wait on a token that only comes after the last fragment), a
     * message a token held here already names (or may name: see {@link #announcedUpTo}),
     * everything on the sequencer, after a wedge, and under load: with more than 32 messages
     * announced and not yet delivered, acknowledgements go out once per batch anyway, and
     * holding them back would only keep messages unstable (buffered) longer.
     */
    private boolean waitsForItsToken(int rank, long from, long to) {
        if (isSequencer() || wedged || from + 1 <= announcedUpTo[rank] || to - from > 8
                || unabsorbedRefs + (slots.size() - nextSlot) > 32) {
            return false;
        }
        SeqBuffer<Data> stream = streams.get(rank);
        for (long seq = from + 1; seq <= to; seq++) {
            Data data = stream.get(seq);
            if (data == null || !data.last() || !isTotalOrder(data.kind())) {
                return false;
            }
        }
        return true;
    }

    /** @return false when the token does not fit this view */
    public boolean onToken(OrderToken token) {
        if (isSequencer() || token.tokenSeq() <= 0) {
            return false;
        }
        if (token.tokenSeq() <= tokensHeld) {
            return true;
        }
        for (MessageRef ref : token.refs()) {
            if (ref.senderRank() < 0 || ref.senderRank() >= n || ref.seq() <= 0) {
                return false;
            }
        }
        if (!tokens.put(token.tokenSeq(), token)) {
            return true;
        }
        unabsorbedRefs += token.refs().size();
        for (MessageRef ref : token.refs()) {
            announcedUpTo[ref.senderRank()] = Math.max(announcedUpTo[ref.senderRank()], ref.seq());
        }
        tokenMaxSeen = Math.max(tokenMaxSeen, token.tokenSeq());
        if (journal == null) {
            tokenAcks[0] = Math.max(tokenAcks[0], token.tokenSeq());
        }
        long before = tokensHeld;
        while (tokens.get(tokensHeld + 1) != null) {
            tokensHeld++;
            if (journal != null) {
                journalToken(tokens.get(tokensHeld));
            }
        }
        if (tokensHeld != before) {
            ackDirty = refreshTokenDurable() || ackDirty;
            deliverReady();
        }
        return true;
    }

    /** @return false when the ack does not fit this view */
    public boolean onAck(int fromRank, Ack ack) {
        if (fromRank == myRank || ack.received().length != n) {
            return false;
        }
        long[] theirs = acks[fromRank];
        boolean changed = false;
        for (int r = 0; r < n; r++) {
            if (ack.received()[r] > theirs[r]) {
                theirs[r] = ack.received()[r];
                changed = true;
            }
        }
        if (ack.tokensReceived() > tokenAcks[fromRank]) {
            tokenAcks[fromRank] = ack.tokensReceived();
            changed = true;
        }
        if (changed) {
            deliverReady();
        }
        return true;
    }

    /** What this member holds, to tell the others; null when nothing changed since the last. */
    public Ack takeAck(boolean evenIfUnchanged) {
        if (!ackDirty && !evenIfUnchanged) {
            return null;
        }
        ackDirty = false;
        if (wedged) {
            // After promising, report nothing beyond the promise: a member outside the next view
            // must not be led to deliver what the cut leaves out.
            return new Ack(group, viewId, frozenAcks.clone(), frozenTokenAck);
        }
        return new Ack(group, viewId, acks[myRank].clone(), tokenAcks[myRank]);
    }

    // ---------------------------------------------------------------- retransmission

    /** A retransmission request to send to the member of rank {@code toRank}. */
    public record NakTo(int toRank, Nak nak) {
    }

    /** Gaps that made no progress since the last check, as requests to a member that holds them. */
    public List<NakTo> naksDue(Set<Integer> suspectedRanks) {
        List<NakTo> naks = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            if (r == myRank) {
                continue;
            }
            long have = contiguous[r];
            long known = maxSeen[r];
            for (int m = 0; m < n; m++) {
                known = Math.max(known, acks[m][r]);
            }
            // Ask only for a gap that was already there at the last check and has not moved.
            boolean stuck = have < knownAtLastCheck[r] && have == contiguousAtLastCheck[r];
            knownAtLastCheck[r] = known;
            if (stuck) {
                int holder = holderOf(r, have + 1, acks, r, suspectedRanks);
                if (holder >= 0) {
                    naks.add(new NakTo(holder, new Nak(group, viewId, r, have + 1,
                            Math.min(known, have + MAX_RETRANSMIT))));
                }
            }
            contiguousAtLastCheck[r] = have;
        }
        if (!isSequencer()) {
            long have = tokensHeld;
            long known = tokenMaxSeen;
            for (int m = 0; m < n; m++) {
                known = Math.max(known, tokenAcks[m]);
            }
            boolean stuck = have < tokensKnownAtLastCheck && have == tokensAtLastCheck;
            tokensKnownAtLastCheck = known;
            if (stuck) {
                long[][] tokenHeld = new long[n][];
                for (int m = 0; m < n; m++) {
                    tokenHeld[m] = new long[] {tokenAcks[m]};
                }
                int holder = holderOf(0, have + 1, tokenHeld, 0, suspectedRanks);
                if (holder >= 0) {
                    naks.add(new NakTo(holder, new Nak(group, viewId, Nak.SEQUENCER, have + 1,
                            Math.min(known, have + MAX_RETRANSMIT))));
                }
            }
            tokensAtLastCheck = have;
        }
        return naks;
    }

    /**
     * Who to ask for {@code seq} of a stream: its owner when it is not suspected (it holds its
     * whole stream), else the unsuspected member reported to hold the most of it.
     */
    private int holderOf(int owner, long seq, long[][] held, int column, Set<Integer> suspectedRanks) {
        if (!suspectedRanks.contains(owner) && owner != myRank) {
            return owner;
        }
        int best = -1;
        for (int m = 0; m < n; m++) {
            if (m != myRank && !suspectedRanks.contains(m) && held[m][column] >= seq
                    && (best < 0 || held[m][column] > held[best][column])) {
                best = m;
            }
        }
        return best;
    }

    /** The frames a retransmission request asks for, as far as this member still holds them. */
    public List<Object> retransmit(Nak nak) {
        List<Object> frames = new ArrayList<>();
        long to = Math.min(nak.toSeq(), nak.fromSeq() + MAX_RETRANSMIT - 1);
        if (nak.streamRank() == Nak.SEQUENCER) {
            for (long s = Math.max(nak.fromSeq(), 1); s <= to; s++) {
                OrderToken token = tokens.get(s);
                if (token != null) {
                    frames.add(token);
                }
            }
        } else if (nak.streamRank() >= 0 && nak.streamRank() < n) {
            SeqBuffer<Data> stream = streams.get(nak.streamRank());
            for (long s = Math.max(nak.fromSeq(), 1); s <= to; s++) {
                Data data = stream.get(s);
                if (data != null) {
                    frames.add(data);
                }
            }
        }
        return frames;
    }

    // ---------------------------------------------------------------- view change

    /** Stops delivering and sequencing; acks stay at what this member holds now. */
    public void wedge() {
        if (!wedged) {
            wedged = true;
            frozenAcks = acks[myRank].clone();
            frozenTokenAck = tokenAcks[myRank];
            pendingRefs.clear();
        }
    }

    public boolean isWedged() {
        return wedged;
    }

    /** Per rank, up to where this member holds each stream with no gap (durably, with a log). */
    public long[] received() {
        return acks[myRank].clone();
    }

    public long tokensReceived() {
        return tokenAcks[myRank];
    }

    /**
     * Whether this member can end the view at this cut: it holds every message and token up to
     * it, and has delivered nothing beyond it (an honest cut never falls below a delivery).
     */
    public boolean holds(long[] trim, long tokenTrim) {
        if (trim.length != n || tokensHeld < tokenTrim || tokenTrim < tokensAbsorbed) {
            return false;
        }
        for (int r = 0; r < n; r++) {
            if (contiguous[r] < trim[r] || trim[r] < delivered[r]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Ends the view: delivers every stream up to the cut in the order every survivor computes
     * alike (the known slots, skipping those beyond the cut, then the unordered rest by rank and
     * sequence number).
     *
     * @return this member's messages the cut left out, to be sent again in the next view
     */
    public List<OwnMessage> cut(long[] trim, long tokenTrim) {
        if (!holds(trim, tokenTrim)) {
            throw new IllegalStateException("cut beyond what this member holds");
        }
        wedged = true;
        if (journal != null) {
            // Before the tail is delivered: recovery orders this view's end exactly as done here.
            journal.persist(new SafeRecord.Cut(viewId, trim.clone(), tokenTrim));
        }
        deliverUpTo(trim, tokenTrim);
        Set<MessageRef> slotted = new HashSet<>(slots.subList(nextSlot, slots.size()));
        List<MessageRef> tail = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            for (long s = delivered[r] + 1; s <= trim[r]; s++) {
                Data data = streams.get(r).get(s);
                MessageRef ref = new MessageRef(r, s);
                if (data.last() && isTotalOrder(data.kind()) && !slotted.contains(ref)) {
                    tail.add(ref);
                }
            }
        }
        slots.addAll(tail);
        deliverUpTo(trim, tokenTrim);
        for (int r = 0; r < n; r++) {
            if (delivered[r] != trim[r]) {
                throw new IllegalStateException("cut left stream " + r + " at " + delivered[r] + " of " + trim[r]);
            }
        }
        List<OwnMessage> resend = new ArrayList<>();
        long freed = 0;
        for (OwnMessage message : own) {
            if (message.lastSeq() > trim[myRank]) {
                resend.add(message);
            } else {
                freed += message.payload().length;
            }
        }
        own.clear();
        if (freed > 0) {
            sink.released(freed);
        }
        return resend;
    }

    /** Everything this member sent in this view that is not yet stable, e.g. to release on leaving. */
    public List<OwnMessage> unstableOwn() {
        return List.copyOf(own);
    }

    // ---------------------------------------------------------------- the safeSend log

    /** The driver's log holds every record up to {@code ticket}: report them held. */
    public void onPersisted(long ticket) {
        if (journal == null) {
            return;
        }
        boolean changed = false;
        for (int r = 0; r < n; r++) {
            if (marks[r].persisted(ticket)) {
                changed |= refreshDurable(r);
            }
        }
        if (tokenMark.persisted(ticket)) {
            changed |= refreshTokenDurable();
        }
        if (changed) {
            ackDirty = true;
            deliverReady();
        }
    }

    private void journalData(int rank, Data data) {
        if (data.kind() == DeliveryKind.SAFE.code()) {
            long ticket = journal.persist(new SafeRecord.SafeData(viewId, data.sender(), rank, data.seq(),
                    data.msgNo(), data.last(), data.payload()));
            marks[rank].waitFor(ticket, data.seq());
        }
    }

    private void journalToken(OrderToken token) {
        int[] ranks = new int[token.refs().size()];
        long[] seqs = new long[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = token.refs().get(i).senderRank();
            seqs[i] = token.refs().get(i).seq();
        }
        tokenMark.waitFor(journal.persist(new SafeRecord.Token(viewId, token.tokenSeq(), ranks, seqs)), token.tokenSeq());
    }

    /** @return whether what this member reports holding of stream {@code rank} moved */
    private boolean refreshDurable(int rank) {
        long durable = marks[rank].durable(contiguous[rank]);
        if (durable == acks[myRank][rank]) {
            return false;
        }
        acks[myRank][rank] = durable;
        return true;
    }

    private boolean refreshTokenDurable() {
        long durable = journal == null ? tokensHeld : tokenMark.durable(tokensHeld);
        if (durable == tokenAcks[myRank]) {
            return false;
        }
        tokenAcks[myRank] = durable;
        return true;
    }

    // ---------------------------------------------------------------- delivery

    private void deliverReady() {
        if (wedged) {
            return;
        }
        long[] stable = new long[n];
        for (int r = 0; r < n; r++) {
            long min = Long.MAX_VALUE;
            for (int m = 0; m < n; m++) {
                min = Math.min(min, acks[m][r]);
            }
            stable[r] = min;
        }
        long tokenStable = Long.MAX_VALUE;
        for (int m = 0; m < n; m++) {
            tokenStable = Math.min(tokenStable, tokenAcks[m]);
        }
        deliverUpTo(stable, tokenStable);
        releaseStableOwn(stable[myRank]);
    }

    private void deliverUpTo(long[] limit, long tokenLimit) {
        boolean cutting = wedged;
        boolean progress = true;
        while (progress) {
            progress = false;
            while (tokensAbsorbed < tokenLimit) {
                OrderToken token = tokens.get(tokensAbsorbed + 1);
                slots.addAll(token.refs());
                unabsorbedRefs -= token.refs().size();
                tokens.removeUpTo(++tokensAbsorbed);
                progress = true;
            }
            if (cutting) {
                while (nextSlot < slots.size() && slots.get(nextSlot).seq() > limit[slots.get(nextSlot).senderRank()]) {
                    nextSlot++;
                    progress = true;
                }
            }
            for (int r = 0; r < n; r++) {
                SeqBuffer<Data> stream = streams.get(r);
                while (delivered[r] < limit[r]) {
                    long seq = delivered[r] + 1;
                    Data data = stream.get(seq);
                    if (data.kind() == DeliveryKind.CAUSAL.code() && partial[r] == null
                            && !CausalPast.satisfied(data.payload(), delivered)) {
                        break;
                    }
                    if (data.last() && isTotalOrder(data.kind())) {
                        if (nextSlot >= slots.size()) {
                            break;
                        }
                        MessageRef next = slots.get(nextSlot);
                        if (next.senderRank() != r || next.seq() != seq) {
                            break;
                        }
                        nextSlot++;
                    }
                    delivered[r] = seq;
                    stream.removeUpTo(seq);
                    hand(r, data);
                    progress = true;
                }
            }
        }
        if (nextSlot > 4096 && nextSlot >= slots.size() / 2) {
            // Under steady load the slot list is never empty; drop the delivered half, amortised.
            slots.subList(0, nextSlot).clear();
            nextSlot = 0;
        }
    }

    private void hand(int rank, Data data) {
        byte[] payload;
        if (!data.last()) {
            if (partial[rank] == null) {
                partial[rank] = new ByteArrayOutputStream();
            }
            partial[rank].writeBytes(data.payload());
            return;
        }
        if (partial[rank] != null) {
            partial[rank].writeBytes(data.payload());
            payload = partial[rank].toByteArray();
            partial[rank] = null;
        } else {
            payload = data.payload();
        }
        if (data.kind() == DeliveryKind.CAUSAL.code()) {
            payload = CausalPast.strip(payload);
        }
        deliveredCount++;
        sink.deliver(members.get(rank), data.msgNo(), DeliveryKind.fromCode(data.kind()), payload);
    }

    private void releaseStableOwn(long stableMine) {
        long freed = 0;
        while (!own.isEmpty() && own.peekFirst().lastSeq() <= stableMine) {
            freed += own.pollFirst().payload().length;
        }
        if (freed > 0) {
            sink.released(freed);
        }
    }

    private void assignNewlyContiguous(int rank) {
        SeqBuffer<Data> stream = streams.get(rank);
        for (long s = assignedUpTo[rank] + 1; s <= contiguous[rank]; s++) {
            Data data = stream.get(s);
            if (data != null && data.last() && isTotalOrder(data.kind())) {
                pendingRefs.add(new MessageRef(rank, s));
            }
        }
        assignedUpTo[rank] = contiguous[rank];
    }

    static boolean isTotalOrder(byte kindCode) {
        return kindCode == DeliveryKind.ORDERED.code() || kindCode == DeliveryKind.SAFE.code();
    }

    /** Messages (fragments) held that some member may still need, and own messages not yet stable. */
    public long unstableCount() {
        long held = 0;
        for (int r = 0; r < n; r++) {
            held += Math.max(0, maxSeen[r] - delivered[r]);
        }
        return held;
    }

    public long deliveredCount() {
        return deliveredCount;
    }
}
