package dev.rpcharness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.run.HistoryFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster's clients get ids derived from its seed and their order ({@link ClientIds}): the same seed gives the
 * same ids, another seed others, options naming an id keep it, and each history file names its client's id.
 */
class ClientIdsTest {

    @TempDir
    Path dir;

    private static List<String> twoClientIds(long seed) {
        try (RpcCluster cluster = RpcCluster.builder().providers(1).seed(seed).build()) {
            return List.of(cluster.newClient().clientId(), cluster.newClient().clientId());
        }
    }

    @Test
    void theSameSeedGivesTheSameIdsAndEveryClientItsOwn() {
        List<String> first = twoClientIds(42);
        assertThat(first).containsExactly(ClientIds.derive(42, 0), ClientIds.derive(42, 1));
        assertThat(first.get(0)).startsWith("c0-").isNotEqualTo(first.get(1));
        assertThat(twoClientIds(42)).isEqualTo(first);
        assertThat(twoClientIds(43)).doesNotContainAnyElementsOf(first);
    }

    @Test
    void optionsNamingAnIdKeepItAndTheHistoryFileNamesIt() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(1).seed(7).callHistory(dir).build()) {
            String derived = cluster.newClient().clientId();
            String given = cluster.newClient(ConsumerOptions.builder().clientId("replayed-1").build()).clientId();
            assertThat(derived).isEqualTo(ClientIds.derive(7, 0));
            assertThat(given).isEqualTo("replayed-1");
            ClusterHistory history = cluster.callHistory().orElseThrow();
            cluster.close();
            assertThat(history.files()).hasSize(2);
            assertThat(HistoryFile.read(history.files().get(0)).clientId()).isEqualTo(derived);
            assertThat(HistoryFile.read(history.files().get(1)).clientId()).isEqualTo("replayed-1");
        }
    }
}
