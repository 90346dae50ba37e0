package dev.rpcharness.consumer;

import java.util.List;
import java.util.Map;

/** The interface the consumer's tests call. */
public interface HelloService {

    String hello(String name);

    int add(int a, int b);

    long sum(List<Long> values);

    void ping();

    Item item(String name, int quantity);

    Point mirror(Point point);

    List<Item> items(int count);

    Map<String, List<Point>> grid(int size);

    String maybeNull(String value);

    String fail(String message);

    String slow(String value, long millis);

    boolean flag(boolean value);

    default String greetTwice(String name) {
        return hello(name) + " / " + hello(name);
    }

    /** A POJO with a no-argument constructor and setters. */
    final class Item {
        private String name;
        private int quantity;

        public Item() {
        }

        public Item(String name, int quantity) {
            this.name = name;
            this.quantity = quantity;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int getQuantity() {
            return quantity;
        }

        public void setQuantity(int quantity) {
            this.quantity = quantity;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Item other && quantity == other.quantity && java.util.Objects.equals(name, other.name);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(name, quantity);
        }

        @Override
        public String toString() {
            return "Item[" + name + " x" + quantity + "]";
        }
    }

    /** A record. */
    record Point(int x, int y) {
    }
}
