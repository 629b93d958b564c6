FROM ruby:3.3
WORKDIR /srv/app
COPY Gemfile Gemfile.lock ./
RUN --mount=type=cache,target=/root/.bundle/cache \
    --mount=type=cache,target=/usr/local/bundle/cache \
    bundle config set --local deployment true && \
    bundle config set --local without "development test" && \
    bundle install --jobs 4
# the application, then its gems into vendor/bundle
COPY . .
CMD ["bundle", "exec", "ruby", "config/boot.rb"]
