package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static dev.rpcharness.loadtest.gatling.RpcDsl.noCallLeftPending;
import static dev.rpcharness.loadtest.gatling.RpcDsl.passes;
import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.loadtest.gatling.RpcDsl;
import dev.rpcharness.loadtest.gatling.VerifyActionBuilder;
import dev.rpcharness.run.TimelineAction;
import java.time.Duration;

/**
 * One provider partitioned from ZooKeeper: from a third of the run to two thirds the link from p1 to ZooKeeper
 * passes nothing, while p1 still answers the client. Its 2 s session expires, its node goes, and the client stops
 * routing to it; after the heal it registers again and the client lists it. A user's SLOs: under 0.5% failed calls,
 * p1 delisted within 4 s of the cut (the session timeout plus the client's watch), listed again within 4 s of the
 * heal, nothing pending. Tightened: delisted within 1 ms.
 */
public class ProviderZooKeeperPartitionSimulation extends ResilienceSimulation {

    private static final Duration SESSION = Duration.ofSeconds(2);
    private static final int CUT = 1;

    public ProviderZooKeeperPartitionSimulation() {
        super(30, 200, b -> b.links(true).providerSessionTimeout(SESSION));
        String p1 = TimelineAction.providerName(CUT);
        String link = p1 + "-zookeeper";
        VerifyActionBuilder delisted = TimelineGap.within(p1 + " delisted within 4 s of its cut from ZooKeeper",
                TimelineAction.LINK_CUT.label(), link, TimelineAction.CLIENT_DELISTED.label(), p1,
                Duration.ofMillis(threshold(4_000, 1)));
        VerifyActionBuilder relisted = TimelineGap.within(p1 + " listed again within 4 s of the heal",
                TimelineAction.LINK_HEAL.label(), link, TimelineAction.CLIENT_LISTED.label(), p1,
                Duration.ofSeconds(4));
        VerifyActionBuilder nothingPending = noCallLeftPending();
        setUp(
                echoLoad(),
                scenario("chaos: provider 1 cut from ZooKeeper")
                        .pause(at(1.0 / 3))
                        .exec(chaos().cutProviderFromZooKeeper(CUT))
                        .pause(at(1.0 / 3))
                        .exec(chaos().heal())
                        .pause(at(1.0 / 3).plus(CALL_TIMEOUT).plusSeconds(1)) // after the load, its last calls ended
                        .exec(verify(delisted))
                        .exec(verify(relisted))
                        .exec(verify(nothingPending))
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        global().failedRequests().percent().lt(0.5),
                        passes(delisted),
                        passes(relisted),
                        passes(nothingPending));
    }
}
