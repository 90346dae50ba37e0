package dev.rpcharness.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.provider.demo.EchoService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;

/** The extension checks every test's call history and fails a test whose client broke a rule, naming the call. */
class CallHistoryExtensionTest {

    private static final String BROKEN = "rpcharness.consumer.brokenCall";

    private static Events run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameters(Map.of(OnlyInTestKit.KEY, "true"))
                .selectors(selectClass(sample))
                .execute()
                .testEvents();
    }

    @Test
    @ResourceLock(BROKEN)
    void aTestWhoseClientEndsACallTwiceFailsNamingTheCall() {
        Events events = run(EndsACallTwice.class);

        events.assertThatEvents().haveExactly(1, event(test("endsACallTwice"), finishedWithFailure(
                instanceOf(AssertionFailedError.class), message(m -> m.contains("call-history check failed")
                        && m.contains("ENDED_ONCE: call #4 EchoService#echo on 127.0.0.1:")
                        && m.contains("ended 2 times")))));
    }

    @Test
    void aCleanTestPassesTheHistoryCheck() {
        run(Clean.class).assertThatEvents().haveExactly(1, event(test("tenCalls"), finishedSuccessfully()));
    }

    private static void tenCalls(ConsumerClient client) throws Exception {
        AsyncObjectProxy async = client.createAsync(EchoService.class);
        List<RpcFuture> futures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            futures.add(async.call("echo", "c" + i));
        }
        for (RpcFuture f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    @WithRpcCluster
    @ExtendWith(OnlyInTestKit.class)
    static class EndsACallTwice {
        @Test
        void endsACallTwice(RpcCluster cluster) throws Exception {
            System.setProperty(BROKEN, "double-end:4");
            ConsumerClient client;
            try {
                client = cluster.newClient();
            } finally {
                System.clearProperty(BROKEN);
            }
            tenCalls(client);
        }
    }

    @WithRpcCluster
    @ExtendWith(OnlyInTestKit.class)
    static class Clean {
        @Test
        void tenCalls(ConsumerClient client) throws Exception {
            CallHistoryExtensionTest.tenCalls(client);
        }
    }
}
