package com.example;

import com.google.common.base.Joiner;

public final class App {
    public static void main(String[] args) {
        System.out.println(Joiner.on(' ').join("hello", "maven"));
    }
}
