package io.vsync.tools.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code perf viewchange}: n = 5; {@code kill -9} or {@code SIGSTOP} of a non-leader, timed until
 * every survivor installed the view without it; {@code RESULT vsync.viewchange.<fault>}.
 */
final class ViewChangeTest {

    private final PerfCommand p;

    ViewChangeTest(PerfCommand p) {
        this.p = p;
    }

    void run() throws Exception {
        for (String fault : Arrays.asList(p.s("faults", "kill,stop").split(","))) {
            viewchange(fault);
        }
    }

    private void viewchange(String fault) throws Exception {
        int n = p.i("vc-n", 5);
        int runs = Integer.parseInt(p.s2("vc-runs", "runs", "3"));
        int timeout = p.i("timeout-ms", 1000);
        int interval = p.i("interval-ms", 250);
        String name = "vsync.viewchange." + fault;
        Map<String, String> mo = Map.of("timeout-ms", "" + timeout, "interval-ms", "" + interval);
        for (int run = 1; run <= runs; run++) {
            String tag = "viewchange-" + fault + "-r" + run;
            List<MemberProcess> cl = null;
            try {
                cl = p.startCluster(tag, n, p.i("vc-heap-mb", 256), mo);
                Thread.sleep(p.l("settle-ms", 3000)); // let heartbeats run; the view must stay complete
                PerfCommand.waitForView(cl, n, 1);
                String leader = cl.get(0).lastView()[4];
                int victim = p.i("victim", 2);
                if (("m" + victim).equals(leader)) {
                    victim = victim == n - 1 ? 1 : victim + 1;
                }
                MemberProcess v = cl.get(victim);
                int[] viewsBefore = new int[n];
                for (int k = 0; k < n; k++) {
                    viewsBefore[k] = cl.get(k).views.size();
                }
                if (fault.equals("stop")) {
                    v.prepareSignal("STOP"); // a shell waiting to send it: no fork/exec at the fault
                }
                long tFault = PerfMember.epochMicros();
                long signalUs;
                if (fault.equals("kill")) {
                    v.process.destroyForcibly(); // SIGKILL (kill -9) to that one child pid
                    signalUs = PerfMember.epochMicros() - tFault;
                    v.process.waitFor(10, TimeUnit.SECONDS);
                    MemberProcess.LIVE.remove(v);
                } else {
                    v.signal("STOP"); // only heartbeats reveal it: its connections stay open
                    signalUs = v.lastSignalUs; // until the helper confirmed: an upper bound of the delivery
                }
                long[] at = awaitViewWithout(cl, victim, viewsBefore, 60_000);
                long first = Long.MAX_VALUE;
                long last = 0;
                for (int k = 0; k < n; k++) {
                    if (k != victim) {
                        first = Math.min(first, at[k]);
                        last = Math.max(last, at[k]);
                    }
                }
                int leaderIdx = Integer.parseInt(leader.substring(1));
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("ms_to_view_all", (last - tFault) / 1e3);
                f.put("ms_first", (first - tFault) / 1e3);
                if (fault.equals("stop")) {
                    f.put("timeout_ms", timeout);
                }
                f.put("ms_leader", (at[leaderIdx] - tFault) / 1e3);
                f.put("n", n);
                f.put("victim", "m" + victim);
                f.put("detect", "heartbeat(interval=" + interval + "ms,timeout=" + timeout + "ms)"
                        + (fault.equals("kill") ? "+refused-reconnect" : ""));
                f.put("signal_us", signalUs);
                f.put("run", run);
                if (fault.equals("stop")) {
                    // Resume it: it must find itself excluded and come back as a new incarnation.
                    long tCont = PerfMember.epochMicros();
                    v.signal("CONT");
                    f.put("rejoin_ms", awaitRejoin(cl, n, tCont, 20_000));
                }
                p.result(name, f);
                List<MemberProcess> survivors = new ArrayList<>(cl);
                if (fault.equals("kill")) {
                    survivors.remove(v);
                }
                p.reportWarnings(survivors);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                p.failed(name, run, e, cl);
            } finally {
                if (cl != null) {
                    p.stopCluster(cl);
                }
            }
        }
        p.median(name, "n=" + n + " timeout_ms=" + timeout + " interval_ms=" + interval,
                "ms_to_view_all", "ms_first", "ms_leader", "rejoin_ms");
    }

    /** Per member, the epoch µs at which it reported a view of n-1 members without the victim. */
    private static long[] awaitViewWithout(List<MemberProcess> cl, int victim, int[] viewsBefore, long timeoutMs)
            throws InterruptedException {
        int n = cl.size();
        long end = System.currentTimeMillis() + timeoutMs;
        long[] at = new long[n];
        int got = 0;
        while (got < n - 1 && System.currentTimeMillis() < end) {
            got = 0;
            for (int k = 0; k < n; k++) {
                if (k == victim) {
                    continue;
                }
                MemberProcess c = cl.get(k);
                at[k] = 0;
                for (int j = viewsBefore[k]; j < c.views.size(); j++) {
                    String[] w = c.views.get(j);
                    if (Integer.parseInt(w[3]) == n - 1 && !Arrays.asList(w[5].split(",")).contains("m" + victim)) {
                        at[k] = Long.parseLong(w[1]);
                        break;
                    }
                }
                if (at[k] > 0) {
                    got++;
                }
            }
            if (got < n - 1) {
                Thread.sleep(2);
            }
        }
        if (got < n - 1) {
            throw new IllegalStateException("survivors did not install a view without m" + victim + " within "
                    + timeoutMs + " ms");
        }
        return at;
    }

    /** ms from resuming until every member, the resumed one included, is in one n-member view; -1 if not in time. */
    private static double awaitRejoin(List<MemberProcess> cl, int n, long fromUs, long timeoutMs)
            throws InterruptedException {
        try {
            PerfCommand.waitForView(cl, n, timeoutMs);
        } catch (IllegalStateException e) {
            return -1;
        }
        long last = 0;
        for (MemberProcess c : cl) {
            last = Math.max(last, Long.parseLong(c.lastView()[1]));
        }
        return (last - fromUs) / 1e3;
    }
}
