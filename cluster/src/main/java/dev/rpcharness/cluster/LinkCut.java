package dev.rpcharness.cluster;

import dev.rpcharness.link.LinkDirection;
import java.util.List;

/**
 * Which way a partition step of {@link ClusterLinks} cuts a link. A cut holds the bytes silently (Toxiproxy's
 * {@code timeout} toxic with timeout 0): connections stay open and new ones are accepted, as across a network
 * partition that drops packets; {@link ClusterLinks#heal()} lets them flow again, as TCP would deliver them late.
 */
public enum LinkCut {
    /** Nothing passes either way. */
    BOTH_WAYS(List.of(LinkDirection.UPSTREAM, LinkDirection.DOWNSTREAM)),
    /** Requests vanish (client to server); answers to what already arrived still pass. */
    REQUESTS_VANISH(List.of(LinkDirection.UPSTREAM)),
    /** Answers vanish (server to client); requests still arrive and run. */
    ANSWERS_VANISH(List.of(LinkDirection.DOWNSTREAM));

    private final List<LinkDirection> directions;

    LinkCut(List<LinkDirection> directions) {
        this.directions = directions;
    }

    /** The directions whose bytes are held. */
    public List<LinkDirection> directions() {
        return directions;
    }

    /** The name of the toxic that holds {@code direction}: {@code cut-requests} or {@code cut-answers}. */
    static String toxicName(LinkDirection direction) {
        return direction == LinkDirection.UPSTREAM ? "cut-requests" : "cut-answers";
    }
}
