package dev.rpcharness.provider.testing;

import java.util.List;
import java.util.Map;

/** A test interface with the shapes of parameters a provider must decode. */
public interface CatalogService {

    record Item(String name, int quantity) {
    }

    /** A plain mutable bean. */
    final class Order {
        private String customer;
        private List<Item> items;

        public String getCustomer() {
            return customer;
        }

        public void setCustomer(String customer) {
            this.customer = customer;
        }

        public List<Item> getItems() {
            return items;
        }

        public void setItems(List<Item> items) {
            this.items = items;
        }
    }

    String hello(String name);

    int add(int a, long b);

    Item item(String name, int quantity);

    int totalQuantity(List<Item> items);

    Order order(Order order);

    Map<String, Integer> counts(List<String> words);

    void touch();

    String fail(String message);

    /** Blocks until the test opens the gate, then answers "opened". */
    String gate(String name) throws InterruptedException;
}
