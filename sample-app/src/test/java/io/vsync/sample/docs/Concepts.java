package io.vsync.sample.docs;

import java.util.List;

import io.vsync.api.Group;

/** The code of docs/concepts.md (see GettingStarted for how it is checked). */
final class Concepts {

    private Concepts() {
    }

    record PriceChanged(String sku, long cents) { }

    static final class Publisher {

        private final Group prices;

        Publisher(Group prices) {
            this.prices = prices;
        }

        // tag::flush[]
        void publish(List<PriceChanged> changes) {
            for (PriceChanged change : changes) {
                prices.send(change);           // FIFO; not waited for one by one
            }
            prices.flush().join();             // now every member holds every one of them
        }
        // end::flush[]
    }
}
