FROM --platform=$BUILDPLATFORM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY settings.gradle build.gradle gradlew ./
COPY gradle ./gradle/
RUN --mount=type=cache,target=/root/.gradle/caches \
    --mount=type=cache,target=/root/.gradle/wrapper \
    ./gradlew --no-daemon dependencies
COPY . .
RUN --mount=type=cache,target=/root/.gradle/caches \
    --mount=type=cache,target=/root/.gradle/wrapper \
    ./gradlew --no-daemon bootJar

FROM gcr.io/distroless/java21-debian12
COPY --from=build /src/build/libs/demo-gradle-0.4.0.jar /app.jar
CMD ["/app.jar"]
