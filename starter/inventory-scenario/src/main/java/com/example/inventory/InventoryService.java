package com.example.inventory;

/** Your service: the interface your consumer calls and your providers serve. */
public interface InventoryService {

    /** Units of {@code sku} in stock. */
    int stock(String sku);

    /** Reserves {@code quantity} units of {@code sku}; answers the reservation's id, which starts with the sku. */
    String reserve(String sku, int quantity);
}
