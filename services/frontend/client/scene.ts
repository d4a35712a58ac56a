// Draws a GameState with Three.js: the field in game units, seen from slightly above. Where WebGL is not
// available (a browser without a GPU or software GL), the same view is drawn flat on a 2D canvas.
import * as THREE from 'three';
import type { GameState } from './api.js';

export function createScene(container: HTMLElement): (game: GameState) => void {
  try {
    return createWebGlScene(container);
  } catch {
    return createFlatScene(container);
  }
}

function createWebGlScene(container: HTMLElement) {
  const renderer = new THREE.WebGLRenderer({ antialias: true });
  container.appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(50, 1, 0.1, 1000);
  scene.add(new THREE.AmbientLight(0xffffff, 0.6));
  const sun = new THREE.DirectionalLight(0xffffff, 1.2);
  sun.position.set(20, -40, 80);
  scene.add(sun);

  const field = new THREE.Mesh(
    new THREE.PlaneGeometry(1, 1),
    new THREE.MeshStandardMaterial({ color: 0x16213e }),
  );
  const paddle = () =>
    new THREE.Mesh(new THREE.BoxGeometry(1.5, 1, 2), new THREE.MeshStandardMaterial({ color: 0x4cc9f0 }));
  const left = paddle();
  const right = paddle();
  const ball = new THREE.Mesh(
    new THREE.SphereGeometry(1, 24, 16),
    new THREE.MeshStandardMaterial({ color: 0xf72585 }),
  );
  scene.add(field, left, right, ball);

  const resize = () => {
    renderer.setSize(window.innerWidth, window.innerHeight);
    camera.aspect = window.innerWidth / window.innerHeight;
    camera.updateProjectionMatrix();
  };
  window.addEventListener('resize', resize);
  resize();

  // Game y grows downwards; scene y grows upwards, so it is flipped here and only here.
  return (game: GameState) => {
    const { width, height } = game;
    field.scale.set(width, height, 1);
    field.position.set(width / 2, -height / 2, -1);
    camera.position.set(width / 2, -height * 1.25, 70);
    camera.lookAt(width / 2, -height / 2, 0);
    for (const [mesh, side] of [
      [left, 'left'],
      [right, 'right'],
    ] as const) {
      mesh.scale.y = game.paddleHeight;
      mesh.position.set(side === 'left' ? 1 : width - 1, -game.paddles[side].y, 0);
    }
    ball.position.set(game.ball.x, -game.ball.y, 0);
    renderer.render(scene, camera);
  };
}

function createFlatScene(container: HTMLElement) {
  const canvas = document.createElement('canvas');
  container.appendChild(canvas);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no canvas to draw on');
  return (game: GameState) => {
    canvas.width = window.innerWidth;
    canvas.height = window.innerHeight;
    const scale = Math.min(canvas.width / game.width, (canvas.height - 120) / game.height);
    const x0 = (canvas.width - game.width * scale) / 2;
    const y0 = 70;
    context.fillStyle = '#16213e';
    context.fillRect(x0, y0, game.width * scale, game.height * scale);
    context.fillStyle = '#4cc9f0';
    for (const side of ['left', 'right'] as const) {
      const x = side === 'left' ? 0.25 : game.width - 1.75;
      const top = game.paddles[side].y - game.paddleHeight / 2;
      context.fillRect(x0 + x * scale, y0 + top * scale, 1.5 * scale, game.paddleHeight * scale);
    }
    context.fillStyle = '#f72585';
    context.beginPath();
    context.arc(x0 + game.ball.x * scale, y0 + game.ball.y * scale, scale, 0, 2 * Math.PI);
    context.fill();
  };
}
