FROM ruby:3.3
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.bundle/cache \
    --mount=type=cache,target=/usr/local/bundle/cache \
    bundle install
CMD ["ruby", "-Ilib", "-e", "require 'greeter'; puts Greeter.hello"]
