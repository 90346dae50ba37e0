package com.example.inventory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** An implementation of your service, kept in memory: each embedded provider serves its own instance. */
public class InMemoryInventory implements InventoryService {

    private final ConcurrentHashMap<String, Integer> reserved = new ConcurrentHashMap<>();
    private final AtomicLong reservations = new AtomicLong();

    @Override
    public int stock(String sku) {
        return 1_000_000 - reserved.getOrDefault(sku, 0);
    }

    @Override
    public String reserve(String sku, int quantity) {
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity must be positive, was " + quantity);
        }
        reserved.merge(sku, quantity, Integer::sum);
        return sku + "/" + reservations.incrementAndGet();
    }
}
