FROM gradle:8-jdk21 AS build
WORKDIR /home/gradle/project
COPY build.gradle settings.gradle ./
RUN --mount=type=cache,target=/root/.gradle/caches \
    gradle dependencies --no-daemon
COPY src ./src
RUN --mount=type=cache,target=/root/.gradle/caches \
    gradle build --no-daemon -x test
