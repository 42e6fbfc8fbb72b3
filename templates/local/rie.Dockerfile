# A thin layer over a function image that has no Runtime Interface Emulator of its own,
# the way AWS SAM adds one: the emulator runs in front of the image's entrypoint and command.
FROM {{BASE_IMAGE}}
COPY aws-lambda-rie /var/rapid/aws-lambda-rie
ENTRYPOINT {{ENTRYPOINT}}
CMD {{CMD}}
LABEL limg.rie.base="{{BASE_IMAGE}}"
