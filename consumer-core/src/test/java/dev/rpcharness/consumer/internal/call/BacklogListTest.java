package dev.rpcharness.consumer.internal.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.consumer.HelloService;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.consumer.internal.proxy.ServiceMethods;
import dev.rpcharness.protocol.RpcJson;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A connection's unsent calls linked through themselves: arrival order, O(1) removal, one list per call at most. */
class BacklogListTest {

    private final MethodMetadata hello = new ServiceMethods(HelloService.class, RpcJson.newMapper())
            .resolve("hello", new Object[] {"x"});

    private RpcCall call() {
        return new RpcCall(hello, new byte[] {'[', ']'}, new RpcFuture(Runnable::run, System.nanoTime()),
                TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(10));
    }

    private static List<RpcCall> drain(BacklogList list) {
        List<RpcCall> out = new ArrayList<>();
        RpcCall c;
        while ((c = list.poll()) != null) {
            out.add(c);
        }
        return out;
    }

    @Test
    void callsComeOutInArrivalOrderAndAnyOneLeavesInTheMiddleOrAtEitherEnd() {
        BacklogList list = new BacklogList();
        List<RpcCall> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(call());
            list.add(calls.get(i));
        }
        assertThat(list.remove(calls.get(0))).isTrue();
        assertThat(list.remove(calls.get(3))).isTrue();
        assertThat(list.remove(calls.get(5))).isTrue();
        assertThat(list.remove(calls.get(3))).as("already gone").isFalse();
        assertThat(list.size()).isEqualTo(3);
        assertThat(drain(list)).containsExactly(calls.get(1), calls.get(2), calls.get(4));
        assertThat(list.isEmpty()).isTrue();
        assertThat(list.first()).isNull();
    }

    @Test
    void aCallTakenOutCanGoBackInItsPlaceOrAtTheEnd() {
        BacklogList list = new BacklogList();
        RpcCall a = call();
        RpcCall b = call();
        RpcCall c = call();
        list.add(a);
        list.add(b);
        list.add(c);
        RpcCall next = list.next(b);
        list.remove(b);
        list.insertBefore(next, b);
        list.remove(a);
        list.insertBefore(list.first(), a);
        list.remove(c);
        list.insertBefore(null, c);
        assertThat(drain(list)).containsExactly(a, b, c);
    }

    @Test
    void aCallIsInOneBacklogAtMostAndAnotherBacklogDoesNotRemoveIt() {
        BacklogList one = new BacklogList();
        BacklogList other = new BacklogList();
        RpcCall a = call();
        one.add(a);
        assertThat(other.remove(a)).isFalse();
        assertThatThrownBy(() -> other.add(a)).isInstanceOf(IllegalStateException.class);
        assertThat(one.poll()).isSameAs(a);
        other.add(a);
        assertThat(other.size()).isEqualTo(1);
        assertThat(one.isEmpty()).isTrue();
    }
}
