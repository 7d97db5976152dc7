/**
 * Recording and checking of protocol histories: the proof that a run kept the guarantees of
 * DESIGN.md §1.
 *
 * <p>Engines and simulated nodes report their visible steps to a
 * {@link io.vsync.api.HistoryListener}: a {@link io.vsync.history.HistoryRecorder} keeps them in
 * memory, a {@link io.vsync.history.HistoryFileWriter} writes them one line each for runs with
 * real processes, read back by {@link io.vsync.history.HistoryFiles}. The
 * {@link io.vsync.history.Checker} then verifies a list of
 * {@link io.vsync.history.HistoryEvent}s and names every broken guarantee with the group,
 * members, view and message involved.
 *
 * <h2>What the recorded history must mean</h2>
 * <ul>
 *   <li>A sender numbers all its messages of one group, of every kind (P2P included), in one
 *       sequence: {@code (sender, msgNo)} is a message's identity and FIFO is checked across
 *       kinds.</li>
 *   <li>A message that missed a view change's cut is recorded as sent again, with the same
 *       number, after the sender installs the next view.</li>
 *   <li>A send is recorded in the view the sender has installed at that moment.</li>
 *   <li>View ids of a group never restart within one history; a restarted process is a new
 *       {@link io.vsync.api.MemberId} incarnation.</li>
 *   <li>After {@code Partitioned}, a member records no protocol step more but, possibly,
 *       {@code Left}.</li>
 *   <li>The application's events ({@code Replied}, {@code ReplyReceived}, {@code StateSent},
 *       {@code StateLoaded}) may be recorded late, on the application's thread: each names the
 *       message or view it belongs to, and the checker places it there, not where it stands
 *       in the file. The application state they carry is a {@link io.vsync.history.StateDigest}
 *       of the multicasts delivered.</li>
 * </ul>
 *
 * <h2>Choices the checker makes where §1 leaves room</h2>
 * <ul>
 *   <li>View agreement (1) compares member lists in rank order, and joined/left/failed as sets.</li>
 *   <li>A delivery in a view the message was not sent in is reported once, as sending-view
 *       delivery (6); no creation (7) reports only messages never sent at all.</li>
 *   <li>Point-to-point messages are left out of virtual synchrony (5) and liveness (12): they
 *       go to one member, and a send does not record which.</li>
 *   <li>Primary partition (4) also covers a partitioned member that goes on installing,
 *       sending or delivering.</li>
 * </ul>
 */
package io.vsync.history;
