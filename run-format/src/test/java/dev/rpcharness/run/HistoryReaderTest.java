package dev.rpcharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history file read back as the recorder wrote it, and as any JSON writer might. */
class HistoryReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsTheRecordersLinesAndAnyOtherShapeOfTheSameJson() throws IOException {
        Path f = dir.resolve("h.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"e\":\"history\",\"callTimeoutMs\":1500,\"originNanos\":-12,\"wallTime\":\"x\","
                        + "\"description\":\"client \\\"0\\\" with {a=1}\"}",
                "{\"e\":\"client\",\"clientId\":\"c0-5eed\"}",
                "{\"e\":\"start\",\"seq\":1,\"t\":-100,\"method\":\"E#\\u00e9cho\\t\"}",
                "  { \"t\" : 7 , \"e\" : \"write\", \"seq\" : 1, \"provider\" : \"h:1\", \"port\" : 51234,"
                        + " \"id\" : 9, \"extra\": {\"nested\": [1, 2.5]} }",
                "",
                "{\"e\":\"end\",\"seq\":1,\"t\":1.2e3,\"error\":null}",
                "{\"e\":\"start\",\"seq\":2,\"t\":5,\"method\":\"Ünïcode#m\"}",
                "{\"e\":\"end\",\"seq\":2,\"t\":6,\"error\":\"dev.rpcharness.consumer.RpcTimeoutException\"}",
                "{\"e\":\"closed\",\"t\":8,\"lost\":3}") + "\n", StandardCharsets.UTF_8);
        HistoryFile h = HistoryFile.read(f);
        assertThat(h.callTimeoutMs()).isEqualTo(1500);
        assertThat(h.clientId()).isEqualTo("c0-5eed");
        assertThat(h.lost()).isEqualTo(3);
        assertThat(h.closed()).isTrue();
        CallRecord one = h.calls().get(0);
        assertThat(one.method()).isEqualTo("E#écho\t");
        assertThat(one.startNanos()).isEqualTo(-100);
        assertThat(one.firstWrite()).isEqualTo(new CallRecord.Write("h:1", 51234, 9, 7));
        assertThat(one.firstEnd()).isEqualTo(new CallRecord.End(1200, null));
        CallRecord two = h.calls().get(1);
        assertThat(two.method()).isEqualTo("Ünïcode#m");
        assertThat(two.firstEnd().error()).isEqualTo("dev.rpcharness.consumer.RpcTimeoutException");
    }

    @Test
    void linesLongerThanTheReadBufferAreRead() throws IOException {
        Path f = dir.resolve("long.jsonl");
        String method = "E#" + "m".repeat(3 << 20);
        Files.writeString(f, "{\"e\":\"start\",\"seq\":1,\"t\":1,\"method\":\"" + method + "\"}\n"
                + "{\"e\":\"end\",\"seq\":1,\"t\":2}\n");
        assertThat(HistoryFile.read(f).calls().get(0).method()).isEqualTo(method);
    }
}
