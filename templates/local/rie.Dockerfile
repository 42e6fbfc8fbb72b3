{{! A thin layer over a function image that has no Runtime Interface Emulator of its own, the way AWS SAM adds one: the emulator runs in front of the image's entrypoint and command. Syntax: src/template/template.ts. }}
FROM {{baseImage}}
COPY aws-lambda-rie /var/rapid/aws-lambda-rie
ENTRYPOINT {{entrypoint}}
CMD {{cmd}}
LABEL limg.rie.base="{{baseImage}}"
