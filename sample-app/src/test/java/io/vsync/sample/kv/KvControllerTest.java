package io.vsync.sample.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * The HTTP API and its validation, through MockMvc, against a real one-member group (the
 * engine listens on a free loopback port and, having no seeds, creates group {@code kv}).
 */
@SpringBootTest(properties = { "vsync.port=0", "vsync.bind-address=127.0.0.1", "vsync.node-name=test",
        "management.server.port=-1" })
@AutoConfigureMockMvc
class KvControllerTest {

    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

    @Autowired
    private MockMvc mvc;

    @Autowired
    private KvReplica replica;

    @Test
    void aPutIsDeliveredBeforeItIsAnsweredAndThenReadLocally() throws Exception {
        String value = "héllo wörld ✓";
        long before = this.replica.store().position();

        putText("greeting", value).andExpect(status().isOk())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
            .andExpect(jsonPath("$.key").value("greeting"))
            .andExpect(jsonPath("$.version").value(before + 1))
            .andExpect(jsonPath("$.created").value(true))
            .andExpect(header().string(KvController.VERSION_HEADER, Long.toString(before + 1)));
        // Answered only once delivered here: the store has it, no waiting needed.
        assertThat(this.replica.store().get("greeting").value()).isEqualTo(value);

        this.mvc.perform(get("/kv/greeting"))
            .andExpect(status().isOk())
            .andExpect(content().contentType("text/plain;charset=UTF-8"))
            .andExpect(content().bytes(value.getBytes(StandardCharsets.UTF_8)))
            .andExpect(header().string(KvController.VERSION_HEADER, Long.toString(before + 1)));

        putText("greeting", "again").andExpect(status().isOk()).andExpect(jsonPath("$.created").value(false));
    }

    @Test
    void aQuorumReadShowsTheRepliesAndTheirAgreement() throws Exception {
        putText("q", "quorum-value").andExpect(status().isOk());

        this.mvc.perform(get("/kv/q").param("consistency", "quorum"))
            .andExpect(status().isOk())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
            .andExpect(jsonPath("$.present").value(true))
            .andExpect(jsonPath("$.value").value("quorum-value"))
            .andExpect(jsonPath("$.agreed").value(true))
            .andExpect(jsonPath("$.complete").value(true))
            .andExpect(jsonPath("$.agreement").value("1 of 1 replies agree (a majority of 1 is 1)"))
            .andExpect(jsonPath("$.replies", hasSize(1)))
            .andExpect(jsonPath("$.replies[0].member").value(this.replica.group().self().toString()))
            .andExpect(jsonPath("$.replies[0].status").value("OK"));

        this.mvc.perform(get("/kv/never-written").param("consistency", "QUORUM"))
            .andExpect(status().isNotFound())
            .andExpect(jsonPath("$.present").value(false))
            .andExpect(jsonPath("$.agreed").value(true));
    }

    @Test
    void anAbsentKeyIs404() throws Exception {
        this.mvc.perform(get("/kv/absent"))
            .andExpect(status().isNotFound())
            .andExpect(content().contentTypeCompatibleWith(PROBLEM))
            .andExpect(jsonPath("$.title").value("No such key"))
            .andExpect(jsonPath("$.key").value("absent"));
    }

    @Test
    void deleteRemovesAndA404SaysThereWasNothing() throws Exception {
        putText("doomed", "x").andExpect(status().isOk());

        this.mvc.perform(delete("/kv/doomed"))
            .andExpect(status().isOk())
            .andExpect(jsonPath("$.deleted").value(true));
        this.mvc.perform(get("/kv/doomed")).andExpect(status().isNotFound());
        this.mvc.perform(delete("/kv/doomed"))
            .andExpect(status().isNotFound())
            .andExpect(content().contentTypeCompatibleWith(PROBLEM))
            .andExpect(jsonPath("$.detail", startsWith("no key 'doomed' to delete")));
    }

    @Test
    void theWholeMapIsJson() throws Exception {
        putText("map-a", "1").andExpect(status().isOk());
        putText("map-b", "two").andExpect(status().isOk());

        this.mvc.perform(get("/kv"))
            .andExpect(status().isOk())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
            .andExpect(jsonPath("$.map-a").value("1"))
            .andExpect(jsonPath("$.map-b").value("two"));
    }

    @Test
    void theEmptyValueIsAValue() throws Exception {
        putText("empty", "").andExpect(status().isOk());

        this.mvc.perform(get("/kv/empty")).andExpect(status().isOk()).andExpect(content().string(""));
    }

    @Test
    void aFormContentTypeDoesNotTurnTheBodyIntoParameters() throws Exception {
        // What 'curl -d a=b&c=d' sends: the body is still the value, verbatim.
        this.mvc.perform(put("/kv/form").contentType(MediaType.APPLICATION_FORM_URLENCODED).content("a=b&c=d"))
            .andExpect(status().isOk());

        this.mvc.perform(get("/kv/form")).andExpect(content().string("a=b&c=d"));
    }

    @Test
    void aDeclaredCharsetIsHonoured() throws Exception {
        this.mvc.perform(put("/kv/latin1").contentType("text/plain;charset=ISO-8859-1")
            .content("café".getBytes(StandardCharsets.ISO_8859_1))).andExpect(status().isOk());

        this.mvc.perform(get("/kv/latin1")).andExpect(content().bytes("café".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anEmptyKeyIs400WhateverTheMethod() throws Exception {
        for (HttpMethod method : new HttpMethod[] { HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE,
                HttpMethod.POST }) {
            this.mvc.perform(request(method, "/kv/").content("x"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                .andExpect(jsonPath("$.detail", startsWith("the key is empty")));
        }
    }

    @Test
    void badKeysAre400() throws Exception {
        this.mvc.perform(put("/kv/{key}", "   ").content("x"))
            .andExpect(status().isBadRequest())
            .andExpect(jsonPath("$.detail").value("the key must not be blank"));
        this.mvc.perform(put("/kv/{key}", "a\u0001b").content("x"))
            .andExpect(status().isBadRequest())
            .andExpect(jsonPath("$.detail").value("the key must not contain control characters"));
        this.mvc.perform(get("/kv/{key}", "k".repeat(257)))
            .andExpect(status().isBadRequest())
            .andExpect(jsonPath("$.detail", containsString("at most 256")));
        putText("k".repeat(256), "longest key").andExpect(status().isOk());
    }

    @Test
    void valuesUpToTheLimitAreTakenAndLargerOnesAre413() throws Exception {
        byte[] limit = new byte[64 * 1024];
        Arrays.fill(limit, (byte) 'v');
        this.mvc.perform(put("/kv/large").content(limit)).andExpect(status().isOk());
        assertThat(this.replica.store().get("large").value()).hasSize(limit.length);

        byte[] over = Arrays.copyOf(limit, limit.length + 1);
        over[limit.length] = 'v';
        this.mvc.perform(put("/kv/too-large").content(over))
            .andExpect(status().isPayloadTooLarge())
            .andExpect(content().contentTypeCompatibleWith(PROBLEM))
            .andExpect(jsonPath("$.limit").value(65536))
            .andExpect(jsonPath("$.detail", containsString("kv.max-value-size")));
        assertThat(this.replica.store().get("too-large")).isNull();
    }

    @Test
    void aValueThatIsNotTextIs400() throws Exception {
        this.mvc.perform(put("/kv/binary").content(new byte[] { (byte) 0xff, (byte) 0xfe, 0 }))
            .andExpect(status().isBadRequest())
            .andExpect(jsonPath("$.detail").value("the value is not valid UTF-8 text"));
        this.mvc.perform(put("/kv/bad-type").header("Content-Type", "text/plain;charset=no-such-charset")
            .content("x")).andExpect(status().isBadRequest());
    }

    @Test
    void aWrongMethodIs405WithTheAllowedOnes() throws Exception {
        this.mvc.perform(post("/kv/a").content("x"))
            .andExpect(status().isMethodNotAllowed())
            .andExpect(header().string("Allow", allOf(containsString("GET"), containsString("PUT"),
                    containsString("DELETE"))))
            .andExpect(content().contentTypeCompatibleWith(PROBLEM));
        this.mvc.perform(patch("/kv/a").content("x")).andExpect(status().isMethodNotAllowed());
        this.mvc.perform(put("/kv").content("x"))
            .andExpect(status().isMethodNotAllowed())
            .andExpect(header().string("Allow", "GET"));
        this.mvc.perform(delete("/kv")).andExpect(status().isMethodNotAllowed());
    }

    @Test
    void anUnknownConsistencyIs400() throws Exception {
        this.mvc.perform(get("/kv/a").param("consistency", "strong"))
            .andExpect(status().isBadRequest())
            .andExpect(jsonPath("$.detail", containsString("'local' (default) or 'quorum'")));
    }

    @Test
    void clusterShowsThisMemberAsLeaderOfItsView() throws Exception {
        String self = this.replica.group().self().toString();

        this.mvc.perform(get("/cluster"))
            .andExpect(status().isOk())
            .andExpect(jsonPath("$.group").value("kv"))
            .andExpect(jsonPath("$.node").value("test"))
            .andExpect(jsonPath("$.status").value("MEMBER"))
            .andExpect(jsonPath("$.leader").value(self))
            .andExpect(jsonPath("$.members", hasSize(1)))
            .andExpect(jsonPath("$.members[0].id").value(self))
            .andExpect(jsonPath("$.members[0].self").value(true))
            .andExpect(jsonPath("$.viewChanges[0].joined[0]").value(self));
    }

    @Test
    void thePageAndItsScriptAreServed() throws Exception {
        this.mvc.perform(get("/index.html"))
            .andExpect(status().isOk())
            .andExpect(content().string(containsString("<table id=\"members\">")));
        this.mvc.perform(get("/page.js"))
            .andExpect(status().isOk())
            .andExpect(content().string(containsString("fetch('/cluster'")));
    }

    private ResultActions putText(String key, String value) throws Exception {
        return this.mvc.perform(put("/kv/{key}", key).contentType("text/plain;charset=UTF-8")
            .content(value.getBytes(StandardCharsets.UTF_8)));
    }
}
