package dev.rpcharness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.run.Timeline;
import dev.rpcharness.run.TimelineEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Timeline timeline = new Timeline(nanos::get,
            Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));

    @Test
    void recordsEventsInOrderWithBothClocks() {
        nanos.addAndGet(1_500_000_000L);
        timeline.record("crash", "p1", "RST 3 connections");
        nanos.addAndGet(250_000_000L);
        timeline.record("restart", "p1", null);

        List<TimelineEvent> events = timeline.events();
        assertThat(events).extracting(TimelineEvent::action).containsExactly("crash", "restart");
        assertThat(events.get(0).monotonicNanos()).isEqualTo(2_500_000_000L);
        assertThat(events.get(0).wallTime()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(events.get(1).detail()).isEmpty();
        assertThat(timeline.events("crash")).hasSize(1);
        assertThat(timeline.render()).contains("+1.500s").contains("crash").contains("p1")
                .contains("RST 3 connections").contains("+1.750s");
    }

    @Test
    void writesOneJsonObjectPerLine(@TempDir Path dir) throws Exception {
        nanos.addAndGet(2_000_000L);
        timeline.record("zk-stop", "zookeeper", "127.0.0.1:2181");
        timeline.record("mark", "test", "say \"hi\"\nnew line");
        Path file = dir.resolve("out/timeline.jsonl");
        timeline.writeJsonLines(file);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.get("action").asText()).isEqualTo("zk-stop");
        assertThat(first.get("subject").asText()).isEqualTo("zookeeper");
        assertThat(first.get("offsetMillis").asDouble()).isEqualTo(2.0);
        assertThat(first.get("wallTime").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(first.get("monotonicNanos").asLong()).isEqualTo(1_002_000_000L);
        assertThat(new ObjectMapper().readTree(lines.get(1)).get("detail").asText()).isEqualTo("say \"hi\"\nnew line");
    }

    @Test
    void listenersSeeEveryEventAndAFailingListenerHarmsNoOne() {
        List<String> seen = new ArrayList<>();
        timeline.addListener(e -> {
            throw new IllegalStateException("listener bug");
        });
        timeline.addListener(e -> seen.add(e.action()));
        timeline.record("a", "s", "d");
        timeline.record("b", "s", "d");
        assertThat(seen).containsExactly("a", "b");
        assertThat(timeline.events()).hasSize(2);
    }

    @Test
    void concurrentRecordersLoseNothingAndKeepMonotonicOrder() throws Exception {
        Timeline real = new Timeline();
        int threads = 4;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int t = 0; t < threads; t++) {
                int id = t;
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        real.record("call", "t" + id, Integer.toString(i));
                    }
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        List<TimelineEvent> events = real.events();
        assertThat(events).hasSize(threads * perThread);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).monotonicNanos()).isGreaterThanOrEqualTo(events.get(i - 1).monotonicNanos());
        }
    }
}
