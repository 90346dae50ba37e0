package dev.rpcharness.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.policy.CallPolicy;
import dev.rpcharness.consumer.policy.RetryBudget;
import dev.rpcharness.consumer.policy.RetryOn;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The consumer's call policies (docs/call-policies.md) against fake providers: attempts are counted by the
 * providers themselves.
 */
class CallPoliciesThroughFakeProvidersTest {

    private static ConsumerOptions options(boolean idempotent) {
        CallPolicy policy = CallPolicy.builder().idempotent(idempotent).maxAttempts(3)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .retryOn(RetryOn.CONNECTION_LOST, RetryOn.TIMEOUT, RetryOn.UNAVAILABLE).build();
        return ConsumerOptions.builder().callTimeout(Duration.ofSeconds(2)).connectionsPerProvider(1)
                .outlierConsecutiveFailures(0).retryBudget(RetryBudget.UNLIMITED)
                .methodPolicy(CatalogService.class, "hello", policy).build();
    }

    private static FakeProvider provider() {
        return FakeProvider.builder().serve(CatalogService.class, new CatalogServiceImpl()).build().start();
    }

    @Test
    void aPushbackStopFromTheProviderEndsAnIdempotentCallAfterOneAttempt() {
        try (FakeProvider a = provider(); FakeProvider b = provider();
             ConsumerClient client = new ConsumerClient(a.address() + "," + b.address(), options(true))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
            CatalogService catalog = client.create(CatalogService.class);
            assertThat(catalog.hello("x")).isEqualTo("Hello x");
            long before = a.stats().received() + b.stats().received();
            FaultPlan stop = FaultPlan.of(FaultRule.forAll(Fault.pushback(503, null)));
            a.faultPlan(stop);
            b.faultPlan(stop);
            assertThatThrownBy(() -> catalog.hello("y")).isInstanceOf(RpcProtocolException.class)
                    .hasMessageContaining("503");
            assertThat(a.stats().received() + b.stats().received() - before).isEqualTo(1);
        }
    }

    @Test
    void aNonIdempotentCallIsExecutedOnceWhenItsProviderResetsMidCall() {
        try (FakeProvider a = provider(); FakeProvider b = provider();
             ConsumerClient client = new ConsumerClient(a.address() + "," + b.address(), options(false))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
            FaultPlan reset = FaultPlan.of(FaultRule.forAll(Fault.reset()));
            a.faultPlan(reset);
            b.faultPlan(reset);
            CatalogService catalog = client.create(CatalogService.class);
            for (int i = 1; i <= 4; i++) {
                assertThatThrownBy(() -> catalog.hello("z")).isInstanceOf(RpcException.class);
                assertThat(a.stats().received() + b.stats().received()).isEqualTo(i);
                await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
            }
        }
    }

    @Test
    void anIdempotentCallWhoseProviderResetsMidCallSucceedsOnTheOther() {
        try (FakeProvider a = provider(); FakeProvider b = provider();
             ConsumerClient client = new ConsumerClient(a.address() + "," + b.address(), options(true))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
            a.faultPlan(FaultPlan.of(FaultRule.forAll(Fault.reset())));
            CatalogService catalog = client.create(CatalogService.class);
            for (int i = 0; i < 4; i++) {
                assertThat(catalog.hello("k" + i)).isEqualTo("Hello k" + i);
            }
            assertThat(a.stats().received()).as("calls whose first attempt went to the resetting provider")
                    .isPositive();
        }
    }
}
