package com.acme.search;

public class Main {
    public static void main(String[] args) {
        System.out.println("search up");
    }
}
