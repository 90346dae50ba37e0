package dev.rpcharness.link;

/** The service the consumer-core tests call through a link. */
public interface Greeter {

    String hello(String name);

    /** The implementation the fake provider serves. */
    final class Impl implements Greeter {
        @Override
        public String hello(String name) {
            return "Hello " + name;
        }
    }
}
