package dev.rpcharness.loadtest.throughput;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The throughput benchmark's reference line: Gatling's own HTTP protocol posting the same small JSON call (an echo,
 * as the wire contract writes it) to a bare Netty HTTP server on 127.0.0.1 ({@link JsonHttpServer}), up the same
 * {@link BenchRamp} with the same clean-level rule as {@link ThroughputSimulation}, connections shared by all
 * virtual users and kept alive, as the consumer core keeps its own, at most {@code rpc.bench.httpConnections} (64)
 * of them: HTTP/1.1 without pipelining needs one per call in flight, and without a cap every user that finds none
 * idle opens one, thousands at once when a pause stalls the calls. It measures what this machine's Gatling can
 * inject with its best-known protocol; {@code mvn verify -Pload} runs it just before {@link ThroughputSimulation},
 * which prints both limits and their ratio. It hands its result over in {@link ReferenceFile}. No assertion.
 */
public class HttpReferenceSimulation extends Simulation {

    private static final Logger log = LoggerFactory.getLogger(HttpReferenceSimulation.class);

    private final JsonHttpServer server = JsonHttpServer.start();
    private final BenchLine line = new BenchLine("Gatling HTTP (reference)", BenchRamp.from(System.getProperties()),
            BenchLine.p99LimitMicros());

    {
        setUp(line.population(exec(http("echo").post("/rpc").body(StringBody(JsonHttpServer.REQUEST)))))
                .protocols(http.baseUrl("http://127.0.0.1:" + server.port())
                        .contentTypeHeader("application/json")
                        .shareConnections()
                        .maxConnectionsPerHost(Integer.getInteger("rpc.bench.httpConnections", 64)));
    }

    private BenchProfile profile;

    /** Starts the profile when {@code rpc.bench.jfr=true}. */
    @Override
    public void before() {
        profile = BenchProfile.forLine("reference", List.of("io.gatling.http.", "io.gatling.", "io.netty."));
    }

    @Override
    public void after() {
        String profiled = ThroughputSimulation.finishProfile(profile);
        if (!profiled.isEmpty()) {
            log.info("throughput benchmark, reference line's {}", profiled);
        }
        server.close();
        LineResult result = line.finish();
        log.info("throughput benchmark, reference line:\n{}", line.report());
        try {
            ReferenceFile.write(ReferenceFile.resultsDir(), ReferenceFile.runId(), result);
        } catch (IOException e) {
            log.warn("cannot write {} to {}: the consumer core's line will print no ratio", ReferenceFile.NAME,
                    ReferenceFile.resultsDir(), e);
        }
    }
}
