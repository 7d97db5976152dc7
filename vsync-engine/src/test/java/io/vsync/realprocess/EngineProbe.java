package io.vsync.realprocess;

import io.vsync.api.VsyncEngine;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Diagnostics only: reads the protocol core's private state of one group by reflection, so a
 * stuck run can say why (who suspects whom, what was promised, which proposal is open, what
 * the failure detector thinks). Runs on the protocol thread when that thread answers within a
 * second, else reads racily. Never used to decide anything; when the engine's internals change
 * it reports what it could not read instead of failing.
 */
final class EngineProbe {

    private EngineProbe() {
    }

    static String dump(VsyncEngine engine, String group) {
        try {
            Object loop = field(engine, "loop");
            Object node = field(engine, "node");
            CompletableFuture<String> onProtocolThread = new CompletableFuture<>();
            Method submit = loop.getClass().getDeclaredMethod("submit", Runnable.class);
            submit.setAccessible(true);
            submit.invoke(loop, (Runnable) () -> onProtocolThread.complete(read(node, group)));
            try {
                return onProtocolThread.get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                return "(protocol thread did not answer within 1 s; racy read) " + read(node, group);
            }
        } catch (Exception | LinkageError e) {
            return "unavailable: " + e;
        }
    }

    private static String read(Object node, String group) {
        StringJoiner out = new StringJoiner(" ");
        try {
            Object member = ((Map<?, ?>) field(node, "groups")).get(group);
            if (member == null) {
                return "no group " + group;
            }
            for (String name : new String[] {"status", "self", "suspects", "pendingJoins", "pendingLeaves",
                    "promised", "acceptedBallot", "wedgedAt", "maxRound", "proposeNotBefore", "lastNow",
                    "highestViewSeen", "rejoinAt", "autoRejoin"}) {
                out.add(name + "=" + field(member, name));
            }
            Object view = field(member, "view");
            out.add("view=" + (view == null ? null : field(view, "id") + ":" + field(view, "members")));
            Object streams = field(member, "streams");
            out.add("wedged=" + (streams == null ? null : field(streams, "wedged")));
            Object proposal = field(member, "proposal");
            if (proposal != null) {
                out.add("proposal={ballot=" + field(proposal, "ballot") + " phase=" + field(proposal, "phase")
                        + " since=" + field(proposal, "phaseStartedAt") + " promises="
                        + ((Map<?, ?>) field(proposal, "promises")).keySet() + " accepted=" + field(proposal, "accepted")
                        + "}");
            } else {
                out.add("proposal=null");
            }
            out.add("probeReplies=" + field(member, "probeReplies"));
            StringJoiner peers = new StringJoiner(",", "{", "}");
            ((Map<?, ?>) field(field(node, "failureDetector"), "peers")).forEach((address, peer) -> {
                try {
                    peers.add(address + ":lastHeard=" + field(peer, "lastHeard") + "/suspected="
                            + field(peer, "suspected") + "/inc=" + field(peer, "incarnation"));
                } catch (ReflectiveOperationException e) {
                    peers.add(address + ":?");
                }
            });
            out.add("fd=" + peers);
        } catch (ReflectiveOperationException | RuntimeException e) {
            out.add("(stopped reading: " + e + ")");
        }
        return out.toString();
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(target.getClass().getName() + "." + name);
    }
}
