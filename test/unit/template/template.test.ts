import {strict as assert} from 'node:assert'
import {TemplateError, parseTemplate, renderTemplate} from '../../../src/template/template.js'

describe('template syntax', () => {
  it('substitutes values', () => {
    assert.equal(renderTemplate('FROM {{ image }} AS {{stage}}\n', {image: 'node:20', stage: 'deps'}), 'FROM node:20 AS deps\n')
  })

  it('keeps {{#if}} bodies for true and non-empty values, {{#unless}} bodies otherwise', () => {
    const source = 'a\n{{#if x}}\nx is on\n{{/if}}\n{{#unless x}}\nx is off\n{{/unless}}\nb\n'
    assert.equal(renderTemplate(source, {x: true}), 'a\nx is on\nb\n')
    assert.equal(renderTemplate(source, {x: 'path'}), 'a\nx is on\nb\n')
    assert.equal(renderTemplate(source, {x: false}), 'a\nx is off\nb\n')
    assert.equal(renderTemplate(source, {x: ''}), 'a\nx is off\nb\n')
  })

  it('nests blocks and keeps inline blocks on their line', () => {
    const source = '{{#if a}}\n{{#if b}}\nboth\n{{/if}}\n{{/if}}\nx{{#if a}}-a{{/if}}y\n'
    assert.equal(renderTemplate(source, {a: true, b: true}), 'both\nx-ay\n')
    assert.equal(renderTemplate(source, {a: true, b: false}), 'x-ay\n')
    assert.equal(renderTemplate(source, {a: false, b: true}), 'xy\n')
  })

  it('drops comments, and standalone tag lines with their line break', () => {
    assert.equal(renderTemplate('{{! a note }}\nline\n  {{#if a}}  \nin\n{{/if}}\n', {a: true}), 'line\nin\n')
  })

  it('refuses unknown placeholders instead of rendering them empty', () => {
    assert.throws(() => renderTemplate('FROM {{imgae}}\n', {image: 'x'}), (error: Error) => {
      assert.ok(error instanceof TemplateError)
      assert.match(error.message, /line|:1:/)
      assert.match(error.message, /unknown placeholder "imgae"/)
      assert.match((error as TemplateError).suggestion ?? '', /image/)
      return true
    })
    assert.throws(() => renderTemplate('{{#if missing}}x{{/if}}', {}), /unknown placeholder "missing"/)
  })

  it('refuses to substitute a flag', () => {
    assert.throws(() => renderTemplate('{{on}}', {on: true}), TemplateError)
  })

  it('reports syntax errors with their line', () => {
    const cases: Array<[string, RegExp]> = [
      ['a\n{{#if x}}\nb\n', /:2: .*never closed/],
      ['{{/if}}', /closes no block/],
      ['{{#if x}}\n{{/unless}}', /:2: .*closes \{\{#if x\}\} from line 1/],
      ['{{#each x}}{{/each}}', /not a block/],
      ['{{#if}}{{/if}}', /not a block/],
      ['{{#if x y}}{{/if}}', /not a block/],
      ['a {{b}', /malformed/],
      ['x\n{{}}', /:2: .*not a value name/],
      ['{{a-b}}', /not a value name/],
      ['tail {{', /malformed/],
    ]
    for (const [source, pattern] of cases) {
      assert.throws(() => parseTemplate(source, 'test.tmpl'), (error: Error) => {
        assert.ok(error instanceof TemplateError, source)
        assert.match(error.message, /^test\.tmpl:\d+: template syntax error/, source)
        assert.match(error.message, pattern, source)
        return true
      })
    }
  })
})
