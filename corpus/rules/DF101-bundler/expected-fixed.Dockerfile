FROM ruby:3.3-slim
ENV BUNDLE_FROZEN=true
WORKDIR /app
COPY Gemfile Gemfile.lock .ruby-version ./
RUN --mount=type=cache,target=/root/.bundle/cache \
    --mount=type=cache,target=/usr/local/bundle/cache \
    bundle install
COPY . .
CMD ["ruby", "app.rb"]
