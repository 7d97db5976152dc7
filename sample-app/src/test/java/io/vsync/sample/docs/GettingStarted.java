package io.vsync.sample.docs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

import io.vsync.api.Group;
import io.vsync.api.Quorum;
import io.vsync.api.View;
import io.vsync.spring.annotation.GroupHandler;
import io.vsync.spring.annotation.OnViewChange;

/**
 * The code of docs/getting-started.md. The regions between the tag markers are the doc's code
 * blocks, character for character (DocsSnippetsTest checks it); GettingStartedTest runs them.
 */
final class GettingStarted {

    private GettingStarted() {
    }

    // tag::messages[]
    record FlagSet(String name, boolean on) { }

    record FlagsSnapshot(Map<String, Boolean> flags) { }

    record FlagQuery(String name) { }

    record FlagAnswer(boolean on) { }
    // end::messages[]

    // tag::service[]
    @Service
    static class FlagService {

        private static final Logger log = LoggerFactory.getLogger(FlagService.class);

        private final Map<String, Boolean> flags = new ConcurrentHashMap<>();
        private final Group group;

        FlagService(@Qualifier("flags") Group group) {
            this.group = group;
        }

        /** Returns once this instance has applied the change: every instance holds it by then. */
        void set(String name, boolean on) {
            group.orderedSend(new FlagSet(name, on)).join();
        }

        /** This instance's copy: instant, and at most a few milliseconds behind the others. */
        boolean isOn(String name) {
            return flags.getOrDefault(name, false);
        }

        @GroupHandler(group = "flags")
        void on(FlagSet change) {               // every instance, same order, one at a time
            flags.put(change.name(), change.on());
        }

        @OnViewChange(group = "flags")
        void viewChanged(View view) {
            log.info("flags view {}: {} (leader {})", view.id(), view.members(), view.leader());
        }
    }
    // end::service[]

    // tag::joiners-and-reads[]
    @Service
    static class ConsistentFlagService {

        private final Map<String, Boolean> flags = new ConcurrentHashMap<>();
        private final Group group;

        ConsistentFlagService(@Qualifier("flags") Group group) {
            this.group = group;
            // Before the group is joined (the starter joins once every bean exists):
            group.stateTransfer(FlagsSnapshot.class,
                    () -> new FlagsSnapshot(Map.copyOf(flags)),          // at a member, for a joiner
                    snapshot -> {                                         // at the joiner, before anything else
                        flags.clear();
                        flags.putAll(snapshot.flags());
                    });
            group.handleQuery(FlagQuery.class,
                    query -> new FlagAnswer(flags.getOrDefault(query.name(), false)));
        }

        /** Asked of a majority, in the order of the updates: sees every write acknowledged anywhere. */
        boolean isOnEverywhere(String name) {
            return group.query(Quorum.MAJORITY, new FlagQuery(name), FlagAnswer.class, Duration.ofSeconds(5))
                    .orThrow()
                    .values().stream().allMatch(FlagAnswer::on);
        }

        boolean isOn(String name) {
            return flags.getOrDefault(name, false);
        }

        void set(String name, boolean on) {
            group.orderedSend(new FlagSet(name, on)).join();
        }

        @GroupHandler(group = "flags")
        void on(FlagSet change) {
            flags.put(change.name(), change.on());
        }
    }
    // end::joiners-and-reads[]
}
