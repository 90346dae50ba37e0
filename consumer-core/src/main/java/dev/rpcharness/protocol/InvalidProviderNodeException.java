package dev.rpcharness.protocol;

/** A registry node whose data breaks the contract; the message names the node's path and what is wrong. */
public final class InvalidProviderNodeException extends IllegalArgumentException {

    private final String path;

    public InvalidProviderNodeException(String path, String problem) {
        super("invalid provider node " + path + ": " + problem);
        this.path = path;
    }

    /** The ZooKeeper path of the offending node. */
    public String path() {
        return path;
    }
}
